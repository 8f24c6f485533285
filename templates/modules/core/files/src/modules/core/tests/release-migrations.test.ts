import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../db/data-source.js';
import { tenantTables } from '../tenancy/row-level-security.js';
import { rowLevelSecurityDatabase, type RowLevelSecurityDatabase } from '../testing/rls-role.js';
import { moduleTestEnv, testConfig, testEncryptionKey } from '../testing/test-config.js';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;
const run = promisify(execFile);

/**
 * The release step a multi-replica deployment runs instead of MIGRATE_ON_BOOT: `npm run migration:run` (the
 * README's `node dist/db/run-migrations.js`, compiled). It must leave the database ready for the app's own
 * non-owner role, policies and grants included, which TypeORM's bare `migration:run` would not.
 */
describe.skipIf(!onPostgres)('npm run migration:run with row-level security', () => {
  let database: RowLevelSecurityDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await rowLevelSecurityDatabase();
    admin = new pg.Client({ connectionString: database.ownerUrl });
    await admin.connect();
    // The script exactly as package.json runs it, e.g. `tsx src/db/run-migrations.ts`.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const [bin = '', ...args] = (pkg.scripts['migration:run'] ?? '').split(' ');
    await run(path.join('node_modules', '.bin', bin), args, {
      env: {
        ...moduleTestEnv(),
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        APP_SECRET: randomBytes(32).toString('base64url'),
        ENCRYPTION_KEYS: testEncryptionKey(1),
        ...database.env,
      },
    });
  });

  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  it("when it ran, then the app's non-owner role may read and write every table", async () => {
    const { rows } = await admin.query<{ tablename: string; usable: boolean }>(
      `SELECT tablename, has_table_privilege($1, quote_ident(tablename), 'SELECT, INSERT, UPDATE, DELETE') AS usable
         FROM pg_tables WHERE schemaname = current_schema()`,
      [database.role],
    );
    expect(rows.map((row) => row.tablename)).toContain('tenants');
    expect(rows.filter((row) => !row.usable)).toEqual([]);
  });

  it('when it ran, then every tenant table has FORCE row-level security', async () => {
    const dataSource = createDataSource(testConfig({ DATABASE_URL: database.env.DATABASE_URL }));
    await dataSource.initialize();
    try {
      const tables = tenantTables(dataSource);
      const { rows } = await admin.query<{ relname: string }>(
        'SELECT relname FROM pg_class WHERE relforcerowsecurity AND relname = ANY($1)',
        [tables],
      );
      expect(rows.map((row) => row.relname).sort()).toEqual(tables);
    } finally {
      await dataSource.destroy();
    }
  });
});
