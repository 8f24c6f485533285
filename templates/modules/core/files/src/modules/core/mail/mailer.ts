import nodemailer from 'nodemailer';
import type { AppConfig } from '../../../config.js';
import type { Logger } from '../logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The link's token, kept apart so development tools and tests can act on it. */
  token?: string;
}

/** Sends the app's email. Add a transport by implementing this and selecting it in `createMailer`. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Development transport: writes each message to the app log instead of sending it. In production it withholds
 * the text: a reset or verification link in a log is a key for anyone who can read the logs.
 */
export function logMailer(logger: Logger, production: boolean): Mailer {
  if (production) logger.warn('MAIL_TRANSPORT=log in production: emails are not sent; set MAIL_TRANSPORT=smtp');
  return {
    send(message) {
      if (production) {
        logger.warn(
          { to: message.to, subject: message.subject },
          'mail not sent (log transport); its text is withheld from the log',
        );
        return Promise.resolve();
      }
      logger.info({ to: message.to, subject: message.subject }, `mail (log transport): ${message.text}`);
      return Promise.resolve();
    },
  };
}

/** SMTP through nodemailer; `url` is e.g. `smtps://user:pass@smtp.example.com:465` or `smtp://127.0.0.1:2525`. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** The mailer MAIL_TRANSPORT selects; one per app, in `context.mailer`. */
export function createMailer(config: AppConfig, logger: Logger): Mailer {
  const { MAIL_TRANSPORT, SMTP_URL, MAIL_FROM, NODE_ENV } = config.env;
  if (MAIL_TRANSPORT === 'log') return logMailer(logger, NODE_ENV === 'production');
  if (SMTP_URL === undefined) throw new Error('MAIL_TRANSPORT=smtp needs SMTP_URL');
  return smtpMailer(SMTP_URL, MAIL_FROM);
}
