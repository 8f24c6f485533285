import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  accountSid: string;
  to: string;
  from: string;
  body: string;
}

export interface FakeSms {
  /** Use as AUTH_SMS_API_BASE. */
  apiBase: string;
  received: ReceivedSms[];
  /** Answer every request with this status instead (a provider outage). */
  failWith: number | undefined;
  close(): Promise<void>;
}

/**
 * The SMS provider's stand-in on loopback: Twilio's Messages endpoint, checking basic auth against the given
 * credentials and keeping what it accepts.
 */
export async function startFakeSms(credentials: { accountSid: string; authToken: string }): Promise<FakeSms> {
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const fake: FakeSms = { apiBase: '', received: [], failWith: undefined, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`;
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const message = {
        accountSid: credentials.accountSid,
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
      };
      if (fake.failWith !== undefined) answer(fake.failWith, { message: 'provider down' });
      else if (req.method !== 'POST' || req.url !== path) answer(404, { message: 'not found' });
      else if (req.headers.authorization !== expectedAuth) answer(401, { message: 'authenticate' });
      else if (message.to === '' || message.body === '') answer(400, { message: 'To and Body are required' });
      else {
        fake.received.push(message);
        answer(201, { sid: `SM${String(fake.received.length).padStart(32, '0')}`, status: 'queued' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.apiBase = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  return fake;
}

/** The six-digit code in a message text. */
export function codeIn(text: string | undefined): string {
  const match = /\b(\d{6})\b/.exec(text ?? '');
  if (match?.[1] === undefined) throw new Error(`no code in ${JSON.stringify(text)}`);
  return match[1];
}
