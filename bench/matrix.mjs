#!/usr/bin/env node
// The end-to-end matrix sized for the whole module catalogue, run with the modules implemented today (see
// rehearsal() in test/e2e/combinations.ts), the lifecycle suite included: whether CI would still fit in its time
// once every module is real, measured as a whole run on this machine instead of guessed. Services as for npm test.
// Usage: npm run bench:matrix
import { spawnSync } from 'node:child_process';
import { loadRegistry } from '../dist/src/generator/registry.js';

const catalogue = (await loadRegistry()).size;
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '--project', 'e2e'], { stdio: 'inherit', env: { ...process.env, FORGE_E2E_REHEARSE: String(catalogue) } });
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nthe end-to-end project sized for ${catalogue} modules: ${Math.floor(seconds / 60)} min ${seconds % 60} s (exit ${run.status})`);
process.exit(run.status ?? 1);
