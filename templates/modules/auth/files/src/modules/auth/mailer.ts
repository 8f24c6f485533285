import nodemailer from 'nodemailer';
import type { Logger } from '../core/index.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The link's token, kept apart so development tools and tests can act on it. */
  token?: string;
}

/** Sends account emails. Add a transport by implementing this and selecting it in `createMailer`. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** The last messages the log transport sent, newest last (development and tests only; bounded). */
export const outbox: MailMessage[] = [];

/**
 * Development transport: writes each message to the app log instead of sending it. In production it withholds
 * the text: a reset or verification link in a log is a key for anyone who can read the logs.
 */
export function logMailer(logger: Logger, production: boolean): Mailer {
  if (production) logger.warn('AUTH_MAIL_TRANSPORT=log in production: account emails are not sent; set AUTH_MAIL_TRANSPORT=smtp');
  return {
    send(message) {
      if (production) {
        logger.warn({ to: message.to, subject: message.subject }, 'mail not sent (log transport); its link is withheld from the log');
        return Promise.resolve();
      }
      outbox.push(message);
      if (outbox.length > 200) outbox.shift();
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

export function createMailer(options: { transport: 'log' | 'smtp'; smtpUrl: string | undefined; from: string; logger: Logger; production: boolean }): Mailer {
  if (options.transport === 'log') return logMailer(options.logger, options.production);
  if (options.smtpUrl === undefined) throw new Error('AUTH_MAIL_TRANSPORT=smtp needs AUTH_SMTP_URL');
  return smtpMailer(options.smtpUrl, options.from);
}
