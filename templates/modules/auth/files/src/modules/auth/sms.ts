import type { Logger } from '../core/index.js';

export interface SmsMessage {
  /** E.164, e.g. +15551234567. */
  to: string;
  text: string;
}

/** Sends text messages (MFA codes). Add a provider by implementing this and selecting it in `createSms`. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** Development transport: writes each message to the app log (number masked) instead of sending it. */
export function logSms(logger: Logger): SmsSender {
  return {
    send(message) {
      logger.info({ to: maskPhone(message.to) }, `sms (log transport): ${message.text}`);
      return Promise.resolve();
    },
  };
}

export interface HttpSmsOptions {
  /** Base URL of a Twilio-compatible Messages API, e.g. https://api.twilio.com (a local fake in tests). */
  apiBase: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** Give up on a provider that does not answer; the caller answers 503 instead of hanging. */
  timeoutMs?: number;
}

/**
 * Twilio's REST Messages API, which several other SMS providers also speak: a form POST with basic auth.
 * Plain fetch, because the vendor SDKs pull in an HTTP stack of their own for this one call.
 */
export function httpSms(options: HttpSmsOptions): SmsSender {
  const url = new URL(
    `2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`,
    options.apiBase.endsWith('/') ? options.apiBase : `${options.apiBase}/`,
  );
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return {
    async send(message) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: message.to, From: options.from, Body: message.text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      // The provider's error text may echo the number or the code: only the status is kept.
      if (!response.ok) throw new Error(`SMS provider answered HTTP ${String(response.status)}`);
      await response.body?.cancel();
    },
  };
}

export interface SmsSettings {
  transport: 'log' | 'http';
  apiBase: string;
  accountSid: string | undefined;
  authToken: string | undefined;
  from: string | undefined;
  logger: Logger;
}

export function createSms(settings: SmsSettings): SmsSender {
  if (settings.transport === 'log') return logSms(settings.logger);
  const { accountSid, authToken, from } = settings;
  if (accountSid === undefined || authToken === undefined || from === undefined) {
    throw new Error('AUTH_SMS_TRANSPORT=http needs AUTH_SMS_ACCOUNT_SID, AUTH_SMS_AUTH_TOKEN and AUTH_SMS_FROM');
  }
  return httpSms({ apiBase: settings.apiBase, accountSid, authToken, from });
}

/** +15551234567 → +1•••••••67: enough for a person to recognise their number, not enough to leak it. */
export function maskPhone(phone: string): string {
  return phone.length <= 5 ? '•••' : `${phone.slice(0, 2)}${'•'.repeat(phone.length - 4)}${phone.slice(-2)}`;
}

/** a.person@example.com → a•••••••@example.com */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}${'•'.repeat(Math.max(3, at - 1))}${email.slice(at)}`;
}
