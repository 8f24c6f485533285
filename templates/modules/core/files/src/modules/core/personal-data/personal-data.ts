import type { DataSource, EntityManager } from 'typeorm';
import { TENANT_ID_PATTERN } from '../tenancy/tenant-context.js';
import { tenantTransaction } from '../tenancy/tenant-transaction.js';

/** The person a request of access or erasure is about: an account of one tenant. */
export interface DataSubject {
  tenantId: string;
  userId: string;
}

/** What one module holds about a subject: named record sets (usually one per table), each a list of plain rows. */
export type PersonalDataExport = Record<string, readonly Record<string, unknown>[]>;

/** How many rows of each record set an eraser deleted or anonymised. */
export type ErasureReport = Record<string, number>;

/**
 * A module's part in access and erasure requests, over its own tables only. Both run inside the transaction
 * `manager` holds, with the subject's tenant current; every statement names the tenant in its WHERE.
 */
export interface PersonalDataContribution {
  /** Everything the module holds about the subject, secrets (hashes, keys) left out. */
  export?(subject: DataSubject, manager: EntityManager): Promise<PersonalDataExport>;
  /** Deletes or anonymises it, set-based; rows kept for a legal reason stay and are not counted. */
  erase?(subject: DataSubject, manager: EntityManager): Promise<ErasureReport>;
}

export interface PersonalDataContributor extends PersonalDataContribution {
  module: string;
}

/** `context.personalData`: every module's contribution, and the two requests run across all of them. */
export interface PersonalData {
  /** Each module's contribution, in module order (dependencies first). */
  contributors(): readonly PersonalDataContributor[];
  /** One read transaction across every module: the subject's data keyed by module, then record set. */
  exportSubject(subject: DataSubject): Promise<Record<string, PersonalDataExport>>;
  /**
   * One transaction across every module, in reverse module order: a module's rows go before those of the modules
   * it depends on (and may reference), so an account is erased last. All or nothing.
   */
  eraseSubject(subject: DataSubject): Promise<Record<string, ErasureReport>>;
}

function assertSubject(subject: DataSubject): void {
  if (!TENANT_ID_PATTERN.test(subject.tenantId)) {
    throw new TypeError(`personal data: ${JSON.stringify(subject.tenantId)} is not a tenant id`);
  }
  if (subject.userId.length === 0 || subject.userId.length > 64) {
    throw new TypeError('personal data: userId must be 1..64 characters');
  }
}

/** Collects contributions as createApp builds each module's, and runs requests across them. */
export class PersonalDataRegistry implements PersonalData {
  private readonly contributions: PersonalDataContributor[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly rowLevelSecurity: boolean,
  ) {}

  add(module: string, contribution: PersonalDataContribution | undefined): void {
    if (contribution !== undefined) this.contributions.push({ ...contribution, module });
  }

  contributors(): readonly PersonalDataContributor[] {
    return this.contributions;
  }

  async exportSubject(subject: DataSubject): Promise<Record<string, PersonalDataExport>> {
    assertSubject(subject);
    return await tenantTransaction(this.dataSource, this.rowLevelSecurity, subject.tenantId, async (manager) => {
      const exported: Record<string, PersonalDataExport> = {};
      for (const contributor of this.contributions) {
        if (contributor.export !== undefined) exported[contributor.module] = await contributor.export(subject, manager);
      }
      return exported;
    });
  }

  async eraseSubject(subject: DataSubject): Promise<Record<string, ErasureReport>> {
    assertSubject(subject);
    return await tenantTransaction(this.dataSource, this.rowLevelSecurity, subject.tenantId, async (manager) => {
      const erased: Record<string, ErasureReport> = {};
      for (const contributor of [...this.contributions].reverse()) {
        if (contributor.erase !== undefined) erased[contributor.module] = await contributor.erase(subject, manager);
      }
      return erased;
    });
  }
}
