import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaModeline } from '../../src/manifest/modeline.js';
import { examples, forge } from './forge-process.js';

describe.concurrent('forge schema and the schema a project keeps', () => {
  it('prints the JSON Schema, and --out writes the same text', async () => {
    const printed = await forge(['schema']);
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('modules');
    const written = await forge(['schema', '--out', 'forge.schema.json']);
    expect(written.code).toBe(0);
    expect(readFileSync(join(written.cwd, 'forge.schema.json'), 'utf8')).toBe(`${printed.stdout}\n`);
  });

  it('forge new points forge.yaml at .forge/forge.schema.json, which holds that schema; check is clean', async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    expect(made.code).toBe(0);
    const dir = join(made.cwd, 'app');
    expect(readFileSync(join(dir, 'forge.yaml'), 'utf8').split('\n')[0]).toBe(schemaModeline);
    expect(readFileSync(join(dir, '.forge/forge.schema.json'), 'utf8')).toBe(`${(await forge(['schema'])).stdout}\n`);
    expect((await forge(['check'], dir)).code).toBe(0);
  });

  it('forge new --manifest adds the modeline after checking the file, so problems keep their lines', async () => {
    const cwd = (await forge(['--version'])).cwd;
    writeFileSync(join(cwd, 'm.yaml'), 'name: app\ndatabase: mongo\n');
    const refused = await forge(['new', 'app', '--manifest', 'm.yaml', '--skip-install', '--skip-git'], cwd);
    expect(refused.stderr).toContain('m.yaml:2:11 database:');
    const made = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git']);
    const text = readFileSync(join(made.cwd, 'app/forge.yaml'), 'utf8');
    expect(text).toBe(`${schemaModeline}\n${readFileSync(join(examples, 'minimal.yaml'), 'utf8')}`);
  });

  it('an existing project without the modeline gets it from forge generate, every comment kept, once', async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    const dir = join(made.cwd, 'app');
    const manifest = join(dir, 'forge.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(`${schemaModeline}\n`, '').replace('modules:', '# our modules\nmodules: # keep this'));
    const before = readFileSync(manifest, 'utf8');
    expect(before).not.toContain('yaml-language-server');
    const regenerated = await forge(['generate'], dir);
    expect(regenerated.code).toBe(0);
    expect(regenerated.stdout).toContain('UPDATE forge.yaml');
    expect(readFileSync(manifest, 'utf8')).toBe(`${schemaModeline}\n${before}`);
    const again = await forge(['generate'], dir);
    expect(again.stdout).not.toContain('forge.yaml');
    expect((await forge(['check'], dir)).code).toBe(0);
  });

  it("keeps a modeline of the user's that points elsewhere", async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    const dir = join(made.cwd, 'app');
    const manifest = join(dir, 'forge.yaml');
    const own = readFileSync(manifest, 'utf8').replace(schemaModeline, '# yaml-language-server: $schema=../shared/forge.schema.json');
    writeFileSync(manifest, own);
    expect((await forge(['generate'], dir)).code).toBe(0);
    expect(readFileSync(manifest, 'utf8')).toBe(own);
  });
});
