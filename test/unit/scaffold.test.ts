import { check } from 'prettier';
import { describe, expect, it } from 'vitest';
import { scaffoldModule } from '../../src/generator/scaffold.js';
import { addModuleSource } from '../../src/manifest/edit-sources.js';

describe('forge module new: the scaffold', () => {
  const files = Object.fromEntries(scaffoldModule('acme_notes', 1796600000000));

  it('names every file and symbol after the module, and leaves no token behind', () => {
    expect(Object.keys(files).sort()).toEqual([
      'files/src/modules/acme_notes/entities/item.entity.ts',
      'files/src/modules/acme_notes/index.ts',
      'files/src/modules/acme_notes/migrations/1796600000000-acme-notes-create-items.ts',
      'files/src/modules/acme_notes/routes.ts',
      'files/src/modules/acme_notes/tests/acme-notes.test.ts',
      'module.ts',
      'readme.md.hbs',
    ]);
    for (const [path, text] of Object.entries(files)) expect(text, path).not.toMatch(/__\w+__/);
    expect(files['files/src/modules/acme_notes/index.ts']).toContain('export const acmeNotesModule: AppModule');
    expect(files['module.ts']).toContain("tables: ['acme_notes_items']");
  });

  it('is formatted as the generated app formats its code', async () => {
    for (const [path, text] of Object.entries(files).filter(([p]) => p.endsWith('.ts'))) {
      expect(await check(text, { parser: 'typescript', singleQuote: true, printWidth: 120 }), path).toBe(true);
    }
  });
});

describe('module_sources edits keep the manifest as written', () => {
  it('adds a source above modules:, once, with every comment kept', () => {
    const text = '# ours\nname: app # the name\nmodules: # what we use\n  - name: auth\n';
    const edited = addModuleSource(text, 'forge-modules');
    // The yaml library writes a comment that followed `modules:` on the line below it; it stays with its key.
    expect(edited).toBe('# ours\nname: app # the name\nmodule_sources:\n  - path: forge-modules\nmodules:\n  # what we use\n  - name: auth\n');
    expect(addModuleSource(edited, 'forge-modules')).toBe(edited);
    expect(addModuleSource(edited, 'more')).toContain('  - path: forge-modules\n  - path: more\n');
  });
});
