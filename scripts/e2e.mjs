#!/usr/bin/env node
// `npm run e2e -- --only auth,all`: runs the end-to-end matrix for the named combinations (default: all).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.findIndex((a) => a === '--only' || a === '--modules');
const env = { ...process.env };
if (at >= 0) env.FORGE_E2E_ONLY = args[at + 1] ?? '';
const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
