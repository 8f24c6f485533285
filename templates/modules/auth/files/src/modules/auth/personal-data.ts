import type { EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere } from 'typeorm';
import type { DataSubject, PersonalDataContribution, TenantScopedEntity } from '../core/index.js';
import { Identity } from './entities/identity.entity.js';
import { MfaCode } from './entities/mfa-code.entity.js';
import { MfaFactor, RecoveryCode } from './entities/mfa.entity.js';
import { OneTimeToken } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';
import type { AuthRuntime } from './runtime.js';

function pick<T extends object>(row: T, keys: readonly (keyof T & string)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}

/** The subject's rows of a table with a `userId` column, read in the request's transaction. */
function rowsOf<T extends TenantScopedEntity & { userId: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  { tenantId, userId }: DataSubject,
): Promise<T[]> {
  const where = { tenantId, userId } as FindOptionsWhere<T>;
  return manager.find(entity, { where, order: { createdAt: 'ASC' } as FindOptionsOrder<T> });
}

/** Rows deleted by one set-based statement, the tenant in its WHERE. */
async function deleted(query: Promise<{ affected?: number | null }>): Promise<number> {
  return (await query).affected ?? 0;
}

/**
 * Auth's part in access and erasure requests: the account, its sessions, linked identities, second factors and
 * the links and codes sent to it. Password hashes, token hashes and factor secrets are never exported; erasure
 * deletes every row and stops the account's live access tokens at once.
 */
export function authPersonalData(runtime: AuthRuntime): PersonalDataContribution {
  const ttlSeconds = runtime.context.config.auth.accessTokenTtlSeconds + 60;
  return {
    async export(subject, manager) {
      const user = await manager
        .getRepository(User)
        .findOne({ where: { tenantId: subject.tenantId, id: subject.userId } });
      const links = await manager.getRepository(OneTimeToken).find({
        where: [
          { tenantId: subject.tenantId, userId: subject.userId },
          ...(user === null ? [] : [{ tenantId: subject.tenantId, email: user.email }]),
        ],
        order: { createdAt: 'ASC' },
      });
      return {
        account:
          user === null
            ? []
            : [pick(user, ['id', 'email', 'role', 'emailVerifiedAt', 'disabledAt', 'createdAt', 'updatedAt'])],
        sessions: (await rowsOf(manager, Session, subject)).map((session) =>
          pick(session, [
            'id',
            'device',
            'ip',
            'userAgent',
            'lastSeenAt',
            'expiresAt',
            'revokedAt',
            'mfaAt',
            'createdAt',
          ]),
        ),
        identities: (await rowsOf(manager, Identity, subject)).map((identity) =>
          pick(identity, ['provider', 'subject', 'email', 'createdAt']),
        ),
        mfaFactors: (await rowsOf(manager, MfaFactor, subject)).map((factor) =>
          pick(factor, ['id', 'kind', 'confirmedAt', 'createdAt']),
        ),
        recoveryCodes: (await rowsOf(manager, RecoveryCode, subject)).map((code) =>
          pick(code, ['id', 'usedAt', 'createdAt']),
        ),
        sentCodes: (await rowsOf(manager, MfaCode, subject)).map((code) =>
          pick(code, ['channel', 'expiresAt', 'usedAt', 'createdAt']),
        ),
        emailedLinks: links.map((link) => pick(link, ['purpose', 'email', 'role', 'expiresAt', 'usedAt', 'createdAt'])),
      };
    },

    async erase(subject, manager) {
      const { tenantId, userId } = subject;
      // Access tokens already issued are checked against the revocation list, not the database: stop them first.
      await runtime.revocations.revokeUser(tenantId, userId, Date.now(), ttlSeconds);
      const user = await manager.getRepository(User).findOne({ where: { tenantId, id: userId } });
      const sessions = manager.getRepository(Session).metadata.tableName;
      const ofUsersSessions = `"tenantId" = :tenantId AND "sessionId" IN (SELECT "id" FROM "${sessions}" WHERE "tenantId" = :tenantId AND "userId" = :userId)`;
      const byUser = { tenantId, userId };
      return {
        refreshTokens: await deleted(
          manager.createQueryBuilder().delete().from(RefreshToken).where(ofUsersSessions, byUser).execute(),
        ),
        sessions: await deleted(manager.delete(Session, byUser)),
        identities: await deleted(manager.delete(Identity, byUser)),
        mfaFactors: await deleted(manager.delete(MfaFactor, byUser)),
        recoveryCodes: await deleted(manager.delete(RecoveryCode, byUser)),
        sentCodes: await deleted(manager.delete(MfaCode, byUser)),
        emailedLinks:
          (await deleted(manager.delete(OneTimeToken, byUser))) +
          (user === null ? 0 : await deleted(manager.delete(OneTimeToken, { tenantId, email: user.email }))),
        account: await deleted(manager.delete(User, { tenantId, id: userId })),
      };
    },
  };
}
