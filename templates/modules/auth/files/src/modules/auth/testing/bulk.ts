import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../core/testing/test-app.js';
import { Session } from '../entities/session.entity.js';
import { User } from '../entities/user.entity.js';
import { AccessTokens } from '../tokens.js';

/*
 * Rows by the thousand in a few INSERT statements, for the tests of operations on "all of X": one request per
 * row would make the suite slow, and these tests are about what happens after the rows exist.
 */

const CHUNK = 200;

async function insertInChunks<T extends object>(t: TestApp, entity: new () => T, rows: T[]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    await t.dataSource.getRepository(entity).insert(rows.slice(start, start + CHUNK));
  }
}

/** `count` live sessions of the user; returns their ids, oldest first. */
export async function insertSessions(t: TestApp, tenantId: string, userId: string, count: number): Promise<string[]> {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) =>
    Object.assign(new Session(), {
      id: randomUUID(),
      tenantId,
      userId,
      device: 'Bulk client',
      ip: '127.0.0.1',
      userAgent: 'bulk',
      lastSeenAt: now,
      expiresAt: now + 86_400_000 + i,
      revokedAt: null,
      mfaAt: null,
    }),
  );
  await insertInChunks(t, Session, rows);
  return rows.map((row) => row.id);
}

/** `count` accounts holding `role` (they cannot log in: the hash is no Argon2 hash); returns their ids. */
export async function insertUsers(t: TestApp, tenantId: string, role: string, count: number): Promise<string[]> {
  const rows = Array.from({ length: count }, () =>
    Object.assign(new User(), {
      id: randomUUID(),
      tenantId,
      email: `bulk-${randomUUID()}@example.test`,
      passwordHash: 'not-a-hash',
      role,
      emailVerifiedAt: null,
      disabledAt: null,
    }),
  );
  await insertInChunks(t, User, rows);
  return rows.map((row) => row.id);
}

/** Signs access tokens with the app's own key, as its login would. */
export function appTokens(t: TestApp): AccessTokens {
  const { env, auth } = t.config;
  const secret = env.AUTH_JWT_SECRET === undefined || env.AUTH_JWT_SECRET === '' ? env.APP_SECRET : env.AUTH_JWT_SECRET;
  return new AccessTokens([secret], {
    issuer: auth.jwtIssuer,
    audience: auth.jwtAudience,
    ttlSeconds: auth.accessTokenTtlSeconds,
  });
}
