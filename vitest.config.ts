import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/claims.ts'],
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
          fileParallelism: true,
          // Every e2e file at once (two matrix files sharing the combinations, and lifecycle): whichever order
          // vitest picks, none waits for a worker while the others drain the queue and leave a core idle.
          maxWorkers: 3,
        },
      },
    ],
  },
});
