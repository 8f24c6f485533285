import { randomInt } from 'node:crypto';
import { constantTimeEqual, hmac, TenantRepository } from '../core/index.js';
import { IsNull, MoreThan, type DataSource } from 'typeorm';
import { MfaCode } from './entities/mfa-code.entity.js';

export type CodeChannel = 'email' | 'sms';

/**
 * Six-digit codes sent by email or SMS. Each is stored as an HMAC bound to what it was sent for (`binding`):
 * only the newest code of a binding works, once, until it expires.
 */
export class OneTimeCodes {
  private readonly rows: TenantRepository<MfaCode>;

  constructor(
    dataSource: DataSource,
    rowLevelSecurity: boolean,
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.rows = new TenantRepository(dataSource, MfaCode, { rowLevelSecurity });
  }

  /** A fresh code for `binding`; earlier codes of the binding stop working. */
  async issue(binding: string, userId: string, channel: CodeChannel, now = Date.now()): Promise<string> {
    const bindingHash = this.bindingHash(binding);
    await this.rows.updateWhere({ binding: bindingHash, usedAt: IsNull() }, { usedAt: now });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.rows.create({
      binding: bindingHash,
      userId,
      channel,
      codeHash: this.codeHash(binding, code),
      expiresAt: now + this.ttlSeconds * 1000,
      usedAt: null,
    });
    return code;
  }

  /** Uses the newest live code of `binding` when `code` matches it; false otherwise. Two racing uses: one wins. */
  async use(binding: string, userId: string, code: string, now = Date.now()): Promise<boolean> {
    const [row] = await this.rows.list({
      where: { binding: this.bindingHash(binding), userId, usedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { expiresAt: 'DESC' },
      take: 1,
    });
    if (row === undefined || !constantTimeEqual(row.codeHash, this.codeHash(binding, code.trim()))) return false;
    return (await this.rows.updateWhere({ id: row.id, usedAt: IsNull() }, { usedAt: now })) === 1;
  }

  private bindingHash(binding: string): string {
    return hmac(this.key, `binding:${binding}`);
  }

  private codeHash(binding: string, code: string): string {
    return hmac(this.key, `code:${binding}:${code}`);
  }
}
