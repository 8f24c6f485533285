import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combinations } from '../e2e/combinations.js';
import { checkDeclaredImports } from '../e2e/steps.js';

function fakeApp(source: string): string {
  const app = mkdtempSync(join(tmpdir(), 'forge-import-scan-'));
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ dependencies: { typeorm: '1' }, devDependencies: { vitest: '4' } }));
  writeFileSync(join(app, 'src', 'a.ts'), source);
  return app;
}

describe('the e2e import check', () => {
  it('when code calls .from() on a Buffer or a query builder, then it is not taken for an import', () => {
    const app = fakeApp(`import { DataSource } from 'typeorm';
import './local.js';
import fs from 'node:fs';
declare module 'express-serve-static-core' {}
const bytes = Buffer.from('abc');
const rows = qb.select('u.id').from('users', 'u');
`);
    expect(checkDeclaredImports('fake', app)).toBe('1 files');
  });

  it('when a package is imported in any form without being declared, then each is named with its file and the repro', () => {
    const app = fakeApp(`import type X from '@scope/pkg/sub';
export * from 're-exported';
const lazy = await import('dynamic');
const old = require('required');
type T = typeof import('typed');
`);
    expect(() => checkDeclaredImports('fake', app)).toThrow(
      '[fake] imports are declared in package.json: imports of undeclared packages: @scope/pkg (in src/a.ts), re-exported (in src/a.ts), dynamic (in src/a.ts), required (in src/a.ts), typed (in src/a.ts)\nReproduce: npm run e2e -- --only fake',
    );
  });
});

describe('the e2e selection', () => {
  it('when the whole matrix runs, then apps on both databases run (each one generated, tested and its compose file parsed)', async () => {
    const list = await combinations(undefined, undefined);
    const byDatabase = (database: string) => list.filter((c) => c.database === database).map((c) => c.label);
    expect(byDatabase('sqlite')).toContain('core');
    expect(byDatabase('postgres')).toContain('example-saas-postgres');
  });

  it('when --only names an unknown label, then it fails listing the known ones', async () => {
    await expect(combinations('core,nope', undefined)).rejects.toThrow(/unknown combination 'nope'; known: .*\bcore\b.*\blifecycle\b/);
  });

  it('when --modules names a module, then the combination of its closure is the one selected', async () => {
    expect((await combinations(undefined, 'auth')).map((c) => [c.label, c.modules.join(',')])).toEqual([['auth', 'core,auth']]);
  });

  it('when a module runs alone, then its app runs its own tests; core, all and the examples run their whole suites', async () => {
    const all = await combinations(undefined, undefined);
    const tests = Object.fromEntries(all.map((c) => [c.label, c.tests]));
    expect(tests.auth).toEqual(['src/modules/auth/']);
    expect(tests.observability).toEqual(['src/modules/observability/']);
    expect(tests.core).toBeUndefined();
    expect(tests.all).toBeUndefined();
    expect(all.filter((c) => c.label.startsWith('example-')).every((c) => c.tests === undefined)).toBe(true);
  });

  it('when the largest combination is selected, then its run on the Node LTS is its own entry, selected with it', async () => {
    const all = await combinations(undefined, undefined);
    const largest = Math.max(...all.map((c) => c.modules.length));
    const lts = all.filter((c) => c.runtime === 'lts');
    expect(lts.map((c) => [c.label, c.modules.length])).toEqual([['all-node24', largest]]);
    const everyOptional = (all.find((c) => c.label === 'all')?.modules ?? []).filter((name) => name !== 'core');
    expect((await combinations(undefined, everyOptional.join(','))).map((c) => c.label)).toEqual(['all', 'all-node24']);
    expect((await combinations('all-node24', undefined)).map((c) => c.label)).toEqual(['all-node24']);
  });

  it('when the matrix is rehearsed for the whole catalogue, then there is one module alone per module, all and its LTS run repeat, the examples stay', async () => {
    const today = await combinations(undefined, undefined);
    const scaled = await combinations(undefined, undefined, 17);
    const implemented = today.filter((c) => c.tests !== undefined || c.label === 'core').length;
    const count = (list: typeof today, pick: (c: (typeof today)[number]) => boolean) => list.filter(pick).length;
    expect(count(scaled, (c) => c.tests !== undefined || c.label === 'core')).toBe(17);
    const factor = Math.round(17 / implemented);
    const growing = (c: (typeof today)[number]) => c.label.startsWith('all');
    expect(count(scaled, growing)).toBe(count(today, growing) * factor);
    expect(count(scaled, (c) => c.label.startsWith('example-'))).toBe(count(today, (c) => c.label.startsWith('example-')));
    expect(new Set(scaled.map((c) => c.label)).size).toBe(scaled.length);
  });
});
