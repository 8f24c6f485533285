import type { DataSource } from 'typeorm';
import { Tenant } from '../entities/tenant.entity.js';

const TTL_MS = 30_000;
/** "Unknown or inactive" is kept only long enough to absorb a burst of one id, so a new tenant works at once. */
const NEGATIVE_TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

/**
 * Answers "is this an active tenant?" for every request that names one, with a short in-process cache so the
 * check does not cost a query per request. Deactivating a tenant takes effect within TTL_MS on every replica;
 * creating or reactivating one within NEGATIVE_TTL_MS.
 */
export class TenantDirectory {
  private readonly cache = new Map<string, { active: boolean; expires: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async isActive(tenantId: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && cached.expires > now) return cached.active;
    const tenant = await this.dataSource
      .getRepository(Tenant)
      .findOne({ where: { id: tenantId }, select: { id: true, active: true } });
    const active = tenant?.active === true;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(tenantId, { active, expires: now + (active ? TTL_MS : NEGATIVE_TTL_MS) });
    return active;
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
