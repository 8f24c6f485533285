import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../db/data-source.js';
import { modules as installedModules } from '../../../modules.js';
import { freshDatabase, type FreshDatabase } from '../testing/fresh-database.js';
import { testConfig } from '../testing/test-config.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

let database: FreshDatabase;
let dataSource: DataSource;
const modules = [...installedModules, widgetsModule];

beforeAll(async () => {
  database = await freshDatabase();
  dataSource = createDataSource(testConfig(database.env), modules);
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource.destroy();
  await database.drop();
});

async function pendingSchemaChanges(): Promise<string[]> {
  const diff = await dataSource.driver.createSchemaBuilder().log();
  return diff.upQueries.map((query) => query.query);
}

describe('migrations', () => {
  it('when every migration runs on an empty database, then the schema matches the entities exactly', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.length).toBe(modules.flatMap((module) => module.migrations ?? []).length);
    expect(await pendingSchemaChanges()).toEqual([]);
  });

  it('when every migration is reverted, then no table of any module is left', async () => {
    while (await dataSource.showMigrations()) await dataSource.runMigrations({ transaction: 'each' });
    const count = modules.flatMap((module) => module.migrations ?? []).length;
    for (let i = 0; i < count; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    const queryRunner = dataSource.createQueryRunner();
    try {
      const left: string[] = [];
      for (const { tableName } of dataSource.entityMetadatas)
        if (await queryRunner.hasTable(tableName)) left.push(tableName);
      expect(left).toEqual([]);
    } finally {
      await queryRunner.release();
    }
  });

  it('when the migrations run again after a full revert, then the schema still matches', async () => {
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await dataSource.showMigrations()).toBe(false);
    expect(await pendingSchemaChanges()).toEqual([]);
  });
});
