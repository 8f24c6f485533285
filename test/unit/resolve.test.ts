import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { resolve, topologicalOrder } from '../../src/generator/resolve.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';

const registry = fixtureRegistry(
  fixtureModule('core', [], { alwaysIncluded: true }),
  fixtureModule('auth', ['core']),
  fixtureModule('admin', ['core', 'auth']),
  fixtureModule('billing', ['core', 'auth']),
  fixtureModule('marketplace', ['core', 'auth', 'billing']),
  fixtureModule('observability', ['core']),
);

describe('resolution', () => {
  it('brings the transitive closure and says why each module is there', () => {
    const plan = resolve(parseManifest('name: a\nmodules:\n  - name: marketplace\n', registry), registry);
    expect(plan.modules.map((m) => [m.descriptor.name, m.reason])).toEqual([
      ['core', { kind: 'always' }],
      ['auth', { kind: 'dependency', of: 'marketplace' }],
      ['billing', { kind: 'dependency', of: 'marketplace' }],
      ['marketplace', { kind: 'manifest' }],
    ]);
  });

  it('orders dependencies first, ties by name, whatever the manifest order', () => {
    const a = resolve(parseManifest('name: a\nmodules:\n  - name: observability\n  - name: admin\n  - name: billing\n', registry), registry);
    const b = resolve(parseManifest('name: a\nmodules:\n  - name: billing\n  - name: admin\n  - name: observability\n', registry), registry);
    const order = a.modules.map((m) => m.descriptor.name);
    expect(order).toEqual(['core', 'auth', 'admin', 'billing', 'observability']);
    expect(b.modules.map((m) => m.descriptor.name)).toEqual(order);
  });

  it('reports a cycle with its path', () => {
    const cyclic = fixtureRegistry(fixtureModule('a', ['b']), fixtureModule('b', ['c']), fixtureModule('c', ['a']));
    expect(() => topologicalOrder(cyclic, ['a'])).toThrow(new InputError('dependency-cycle', 'module dependency cycle: a → b → c → a'));
  });

  it('refuses a planned module pulled in as a dependency, naming who needs it', () => {
    const r = fixtureRegistry(fixtureModule('core'), fixtureModule('privacy', ['core'], { status: 'planned' }), fixtureModule('telemetry', ['privacy']));
    expect(() => resolve(parseManifest('name: a\nmodules:\n  - name: telemetry\n', r), r)).toThrow("module 'privacy' (needed by telemetry) is not implemented yet");
  });
});

describe('the real registry', () => {
  it('registers the seventeen modules of the seed with its dependency edges', async () => {
    const real = await loadRegistry();
    const edges = Object.fromEntries([...real.values()].map(({ descriptor: d }) => [d.name, [...d.dependsOn].sort()]));
    expect(edges).toEqual({
      admin: ['auth', 'core'],
      admin_crud: ['admin', 'core'],
      auth: ['core'],
      billing: ['auth', 'core'],
      billing_advanced: ['auth', 'billing', 'core'],
      core: [],
      edge_deployment: ['core', 'security_advanced'],
      enterprise_sso: ['auth', 'core'],
      hybrid_deployment: ['core', 'edge_deployment'],
      marketplace: ['auth', 'billing', 'core'],
      mcp_auth: ['auth', 'core'],
      observability: ['core'],
      performance: ['core', 'observability'],
      privacy: ['auth', 'core'],
      security_advanced: ['auth', 'core'],
      telemetry: ['core', 'privacy'],
      whitelabel: ['admin', 'auth', 'core'],
    });
  });
});
