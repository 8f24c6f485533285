import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forge, scratch } from './forge-process.js';

const descriptor = (greeting: string) => `import { defineModule, moduleContractVersion } from 'platform-forge/module';
import { z } from 'zod';

export default defineModule({
  name: 'notes',
  contract: moduleContractVersion,
  summary: 'Notes of the team',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core'],
  config: z.object({ greeting: z.string().default('${greeting}').describe('How notes greet') }).strict(),
  tables: ['notes'],
});
`;

/** A folder with forge.yaml naming forge-modules/, where the notes module lives. */
function workspace(): string {
  const dir = scratch();
  mkdirSync(join(dir, 'forge-modules/notes/files/src/modules/notes'), { recursive: true });
  writeFileSync(join(dir, 'forge-modules/notes/module.ts'), descriptor('hello'));
  writeFileSync(
    join(dir, 'forge-modules/notes/files/src/modules/notes/index.ts.hbs'),
    "import type { AppModule } from '../core/index.js';\n\n/** Greets with {{module.config.greeting}}. */\nexport const notesModule: AppModule = { name: 'notes' };\n",
  );
  writeFileSync(join(dir, 'forge-modules/notes/readme.md.hbs'), '## notes\n\nNotes of the team.\n');
  writeFileSync(join(dir, 'forge.yaml'), 'name: app\nmodule_sources:\n  - path: forge-modules\nmodules:\n  - name: notes\n');
  return dir;
}

describe.concurrent('an app with a module of its own', () => {
  it('forge new brings the module folder along; generate merges a change of the module with an edit of the app', async () => {
    const dir = workspace();
    const made = await forge(['new', 'app', '--manifest', 'forge.yaml', '--skip-install', '--skip-git'], dir);
    expect(made.code, made.stderr).toBe(0);
    const app = join(dir, 'app');
    expect(readFileSync(join(app, 'forge-modules/notes/module.ts'), 'utf8')).toBe(descriptor('hello'));
    const index = join(app, 'src/modules/notes/index.ts');
    expect(readFileSync(index, 'utf8')).toContain('Greets with hello.');
    expect((await forge(['check'], app)).code).toBe(0);
    // The team edits the generated file and changes its module's default: both survive the regeneration.
    writeFileSync(index, `${readFileSync(index, 'utf8')}export const ours = 1;\n`);
    writeFileSync(join(app, 'forge-modules/notes/module.ts'), descriptor('good day'));
    expect((await forge(['check'], app)).code).toBe(1);
    const regenerated = await forge(['generate'], app);
    expect(regenerated.code, regenerated.stdout).toBe(0);
    expect(readFileSync(index, 'utf8')).toContain('Greets with good day.');
    expect(readFileSync(index, 'utf8')).toContain('export const ours = 1;');
    expect((await forge(['check'], app)).code).toBe(0);
  });

  it('add-module and remove-module work on it like on a catalogue module; validate and schema know it', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'forge.yaml'), 'name: app\nmodule_sources:\n  - path: forge-modules\nmodules: []\n');
    const made = await forge(['new', 'app', '--manifest', 'forge.yaml', '--skip-install', '--skip-git'], dir);
    expect(made.code, made.stderr).toBe(0);
    const app = join(dir, 'app');
    expect((await forge(['validate'], app)).stdout).toBe('valid: core');
    const added = await forge(['add-module', 'notes', '--config', 'greeting=hi', '--skip-install'], app);
    expect(added.code, added.stderr).toBe(0);
    expect(readFileSync(join(app, 'src/modules.ts'), 'utf8')).toContain('notesModule');
    expect(readFileSync(join(app, 'src/modules/notes/index.ts'), 'utf8')).toContain('Greets with hi.');
    expect((await forge(['validate'], app)).stdout).toBe('valid: core, notes');
    expect((await forge(['schema'], app)).stdout).toContain('"const": "notes"');
    const removed = await forge(['remove-module', 'notes', '--skip-install'], app);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('the tables notes stay');
    expect(existsSync(join(app, 'src/modules/notes/index.ts'))).toBe(false);
    expect(readFileSync(join(app, 'src/modules.ts'), 'utf8')).not.toContain('notes');
  });

  it('a broken module stops every command with its name and file, exit 2', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'forge-modules/notes/module.ts'), descriptor('hello').replace('contract: moduleContractVersion', 'contract: 7'));
    const r = await forge(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('forge-modules/notes/module.ts: module notes: was written for module contract 7, and this forge speaks contract 1');
  });
});

describe.concurrent('forge module new', () => {
  it('scaffolds a module into the project, lists its folder in module_sources, and add-module generates it', async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    const scaffolded = await forge(['module', 'new', 'acme_notes'], app);
    expect(scaffolded.code, scaffolded.stderr).toBe(0);
    expect(existsSync(join(app, 'forge-modules/acme_notes/module.ts'))).toBe(true);
    expect(readFileSync(join(app, 'forge.yaml'), 'utf8')).toContain('module_sources:\n  - path: forge-modules\nmodules:');
    const added = await forge(['add-module', 'acme_notes', '--skip-install'], app);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/src\/modules\/acme_notes\/migrations\/\d+-acme-notes-create-items\.ts/);
    expect(readFileSync(join(app, 'eslint.config.js'), 'utf8')).toContain("'forge-modules/'");
    expect((await forge(['check'], app)).code).toBe(0);
    expect((await forge(['info', 'acme_notes', '--json'], app)).stdout).toContain('max_title_length');
  });

  it('refuses a name that is taken or not snake_case, writing nothing', async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    const taken = await forge(['module', 'new', 'auth'], app);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('auth is already a module');
    expect((await forge(['module', 'new', 'Notes'], app)).code).toBe(2);
    expect(existsSync(join(app, 'forge-modules'))).toBe(false);
  });
});
