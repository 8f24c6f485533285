import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/generator/registry.js';
import { versions } from '../../src/generator/versions.js';
import { configKeys } from '../../src/generator/config-keys.js';

describe('module descriptors', async () => {
  const registry = await loadRegistry();
  const descriptors = [...registry.values()].map((m) => m.descriptor);

  it.each(descriptors.map((d) => [d.name, d] as const))('%s names only packages the versions catalogue pins', (_, d) => {
    const missing = [...(d.dependencies ?? []), ...(d.devDependencies ?? [])].filter((p) => !(p in versions));
    expect(missing).toEqual([]);
  });

  it.each(descriptors.map((d) => [d.name, d] as const))('%s gives every config key a default and a description', (_, d) => {
    for (const key of configKeys(d.config)) {
      expect(key.description, `${d.name}.${key.key}`).not.toBe('');
      expect(key.default, `${d.name}.${key.key}`).not.toBeUndefined();
    }
    for (const v of d.env ?? []) expect(v.description, `${d.name} env ${v.name}`).not.toBe('');
  });

  it('a former name of a variable (formerNames) is read by no module, so setting it can only mean the renamed one', () => {
    const names = new Set(descriptors.flatMap((d) => (d.env ?? []).map((v) => v.name)));
    const former = descriptors.flatMap((d) => (d.env ?? []).flatMap((v) => v.formerNames ?? []));
    expect(former).toEqual(expect.arrayContaining(['AUTH_MAIL_TRANSPORT', 'AUTH_SMTP_URL', 'AUTH_MAIL_FROM']));
    expect(former.filter((name) => names.has(name))).toEqual([]);
  });
});
