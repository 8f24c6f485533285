import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshDatabase } from './fresh-database.js';

export interface RowLevelSecurityDatabase {
  /** Env overrides: the app connects as a fresh non-owner role, migrations run as the owner, RLS on. */
  env: Record<string, string>;
  /** The app's role, and the owner's URL (for checks the app's role may not make). */
  role: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database and a login role that neither owns its tables nor bypasses RLS: the set-up the
 * README prescribes for `row_level_security`, so a module's tests can prove it works behind the second wall.
 */
export async function rowLevelSecurityDatabase(): Promise<RowLevelSecurityDatabase> {
  const database = await freshDatabase();
  const ownerUrl = database.env.DATABASE_URL;
  if (ownerUrl?.startsWith('postgres') !== true)
    throw new Error('row-level security needs DATABASE_URL to name PostgreSQL');
  const role = `app_rls_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`);
  } finally {
    await admin.end();
  }
  const appUrl = new URL(ownerUrl);
  appUrl.username = role;
  appUrl.password = password;
  return {
    env: { DATABASE_URL: appUrl.toString(), MIGRATION_DATABASE_URL: ownerUrl, CORE_ROW_LEVEL_SECURITY: 'true' },
    role,
    ownerUrl,
    async drop() {
      await database.drop();
      const shared = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await shared.connect();
      try {
        await shared.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await shared.end();
      }
    },
  };
}
