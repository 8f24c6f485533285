import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface FreshDatabase {
  /** Env overrides that point the app at the fresh database. */
  env: Record<string, string | undefined>;
  drop(): Promise<void>;
}

/**
 * An empty database for tests that change the schema (migrations down and up) without disturbing the shared one:
 * a new PostgreSQL database next to DATABASE_URL's, or simply a new SQLite file.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const shared = process.env.DATABASE_URL;
  if (shared === undefined) return { env: {}, drop: () => Promise.resolve() };
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(shared);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: shared });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
