#!/usr/bin/env node
// `npm run e2e -- --only auth,all` runs the named combinations of the end-to-end matrix (labels in
// test/e2e/combinations.ts, `lifecycle` and `own-module`); `npm run e2e -- --modules auth` runs the combination of that
// module closure; with neither, everything. An unknown label or module fails, listing the known ones.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

let values;
try {
  ({ values } = parseArgs({ options: { only: { type: 'string' }, modules: { type: 'string' } } }));
} catch (e) {
  console.error(`${e.message}\nusage: npm run e2e -- [--only <label,...>] [--modules <module,...>]`);
  process.exit(2);
}
const env = { ...process.env };
if (values.only !== undefined) env.FORGE_E2E_ONLY = values.only;
if (values.modules !== undefined) env.FORGE_E2E_MODULES = values.modules;
// A module closure is a matrix combination: the lifecycle and own-module suites are left out.
const files = values.modules !== undefined ? ['test/e2e/matrix-'] : [];
const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
