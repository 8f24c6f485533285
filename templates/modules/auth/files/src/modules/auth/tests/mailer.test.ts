import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logMailer, outbox } from '../mailer.js';

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

const reset = { to: 'ann@example.com', subject: 'Reset your password', text: 'Reset: https://app.example.com/reset#token=acme.SECRETRESETTOKEN', token: 'acme.SECRETRESETTOKEN' };

describe('the log mail transport', () => {
  it('when running in development, then the message and its link are in the log', async () => {
    const { logger, lines } = capturingLogger();
    await logMailer(logger, false).send(reset);
    expect(lines.join('')).toContain('SECRETRESETTOKEN');
  });

  it('when running in production, then the link never reaches the log or the outbox', async () => {
    const { logger, lines } = capturingLogger();
    const before = outbox.length;
    await logMailer(logger, true).send(reset);
    const logged = lines.join('');
    expect(logged).toContain('ann@example.com');
    expect(logged).toContain('AUTH_MAIL_TRANSPORT=smtp');
    expect(logged).not.toContain('SECRETRESETTOKEN');
    expect(outbox.length).toBe(before);
  });
});
