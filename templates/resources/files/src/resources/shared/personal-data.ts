import type { EntityTarget, FindOptionsOrder, FindOptionsWhere } from 'typeorm';
import type { PersonalDataContribution, TenantScopedEntity } from '../../modules/core/index.js';

/** A field's kind of personal data, as forge.yaml's `personal:` names it (`true` names none: `unspecified`). */
export type PersonalCategory = 'contact' | 'identity' | 'financial' | 'behavioural' | 'content' | 'unspecified';

/** What a resource holds about people: the field linking a row to its person's account, and its personal fields. */
export interface PersonalFields {
  /** The property that holds the account id (forge.yaml's `subject:`). */
  subject: string;
  /** The personal fields a person's export holds, by category; sensitive ones are never exported. */
  fields: Readonly<Record<string, PersonalCategory>>;
}

/**
 * A resource's part in access and erasure requests: the rows whose subject field holds the person's account id.
 * An export holds each row's id, subject, personal fields and timestamps (soft-deleted rows too: they are still
 * stored); erasure deletes those rows for good, in one statement with the tenant in its WHERE.
 */
export function resourcePersonalData<T extends TenantScopedEntity>(
  name: string,
  entity: EntityTarget<T>,
  personal: PersonalFields,
): PersonalDataContribution {
  const keys = ['id', personal.subject, ...Object.keys(personal.fields), 'createdAt', 'updatedAt'];
  const ofSubject = (tenantId: string, userId: string) =>
    ({ tenantId, [personal.subject]: userId }) as FindOptionsWhere<T>;
  return {
    async export(subject, manager) {
      const rows = await manager.find(entity, {
        where: ofSubject(subject.tenantId, subject.userId),
        order: { createdAt: 'ASC', id: 'ASC' } as FindOptionsOrder<T>,
        withDeleted: true,
      });
      const record = (row: T) => Object.fromEntries(keys.map((key) => [key, (row as Record<string, unknown>)[key]]));
      return { [name]: rows.map(record) };
    },
    async erase(subject, manager) {
      const result = await manager.delete(entity, ofSubject(subject.tenantId, subject.userId));
      return { [name]: result.affected ?? 0 };
    },
  };
}

/** The resources' contributions as one: every export together, erasure in the order given (rows that point first). */
export function combinedPersonalData(parts: readonly PersonalDataContribution[]): PersonalDataContribution | undefined {
  if (parts.length === 0) return undefined;
  return {
    async export(subject, manager) {
      const exported = {};
      for (const part of parts) Object.assign(exported, await part.export?.(subject, manager));
      return exported;
    },
    async erase(subject, manager) {
      const erased = {};
      for (const part of parts) Object.assign(erased, await part.erase?.(subject, manager));
      return erased;
    },
  };
}
