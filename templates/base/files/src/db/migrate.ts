import type { AppConfig } from '../config.js';
import type { AppModule } from '../modules/core/index.js';
import { enableRowLevelSecurity, grantDataAccess } from '../modules/core/index.js';
import { modules as installedModules } from '../modules.js';
import { createDataSource } from './data-source.js';

/** The app's own role when it differs from the migrating owner's: it is granted data access, nothing more. */
function appRole(config: AppConfig): string | undefined {
  const { DATABASE_URL: app, MIGRATION_DATABASE_URL: owner } = config.env;
  if (app === undefined || owner === undefined) return undefined;
  const role = decodeURIComponent(new URL(app).username);
  return role !== '' && role !== decodeURIComponent(new URL(owner).username) ? role : undefined;
}

/**
 * Applies pending migrations as the tables' owner (MIGRATION_DATABASE_URL, else DATABASE_URL), grants the app's
 * own role (when DATABASE_URL names another one) data access to every table, and, with row-level security on
 * PostgreSQL, (re)creates the tenant policies. Returns the migrations applied.
 */
export async function migrate(config: AppConfig, modules: readonly AppModule[] = installedModules): Promise<string[]> {
  const dataSource = createDataSource(config, modules, { owner: true });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const role = appRole(config);
    if (config.core.rowLevelSecurity) await enableRowLevelSecurity(dataSource, role);
    else if (role !== undefined) await grantDataAccess(dataSource, role);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
