import { defineConfig } from 'vitest/config';

// With DATABASE_URL set, every test file shares one PostgreSQL database, so files run one after another;
// on SQLite each file has its own temporary database and files run in parallel.
const sharedDatabase = process.env.DATABASE_URL !== undefined;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/modules/core/testing/network-guard.ts'],
    fileParallelism: !sharedDatabase,
    pool: 'forks',
    // Test files share each worker's module cache instead of importing the whole app again per file: the suite
    // runs in about 60% of the time. Files stay independent: each starts its own app on its own tenants.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
