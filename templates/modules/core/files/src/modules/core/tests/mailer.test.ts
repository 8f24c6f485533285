import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMailer, logMailer } from '../mail/mailer.js';
import { startFakeSmtp } from '../testing/fake-smtp.js';
import { startTestApp } from '../testing/test-app.js';
import { testConfig } from '../testing/test-config.js';

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino(sink), lines };
}

const reset = {
  to: 'ann@example.com',
  subject: 'Reset your password',
  text: 'Reset: https://app.example.com/reset#token=acme.SECRETRESETTOKEN',
  token: 'acme.SECRETRESETTOKEN',
};

describe('the log mail transport', () => {
  it('when running in development, then the message and its link are in the log', async () => {
    const { logger, lines } = capturingLogger();
    await logMailer(logger, false).send(reset);
    expect(lines.join('')).toContain('SECRETRESETTOKEN');
  });

  it('when running in production, then the link never reaches the log, and the boot warns to set smtp', async () => {
    const { logger, lines } = capturingLogger();
    await logMailer(logger, true).send(reset);
    const logged = lines.join('');
    expect(logged).toContain('ann@example.com');
    expect(logged).toContain('MAIL_TRANSPORT=smtp');
    expect(logged).not.toContain('SECRETRESETTOKEN');
  });
});

describe('the SMTP mail transport', () => {
  it('when MAIL_TRANSPORT is smtp, then context.mailer of the app delivers through SMTP_URL from MAIL_FROM', async () => {
    const smtp = await startFakeSmtp();
    const t = await startTestApp({
      env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'app@example.test' },
    });
    try {
      await t.instance.context.mailer.send(reset);
      const mail = smtp.received.find((message) => message.to.some((to) => to.includes('ann@example.com')));
      expect(mail?.from).toContain('app@example.test');
      expect(mail?.data).toContain('Reset your password');
      expect(t.sentMail.map((message) => message.to)).toEqual(['ann@example.com']);
    } finally {
      await t.close();
      await smtp.close();
    }
  });

  it('when MAIL_TRANSPORT is smtp without SMTP_URL, then building the mailer fails naming SMTP_URL', () => {
    const { logger } = capturingLogger();
    expect(() => createMailer(testConfig({ MAIL_TRANSPORT: 'smtp' }), logger)).toThrow(/SMTP_URL/);
  });
});
