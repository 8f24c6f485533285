import { describe, expect, it } from 'vitest';
import { Tree } from '../../src/generator/tree.js';
import { wireModules, wiringFile } from '../../src/generator/wire.js';

describe('tree', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\b', 'a\0b', '', '.'])('refuses the path %j', (path) => {
    expect(() => new Tree().write(path, 'x')).toThrow();
  });

  it('records no change when the same content is written again', () => {
    const tree = new Tree();
    expect(tree.write('a/b.ts', 'x')).toBe(true);
    expect(tree.write('./a//b.ts', 'x')).toBe(false);
    expect(tree.paths()).toEqual(['a/b.ts']);
  });
});

const base = "import type { AppModule } from './modules/core/index.js';\n\nexport const modules: AppModule[] = [];\n";

describe('wiring src/modules.ts', () => {
  it('adds imports and array elements in order, once', async () => {
    const tree = new Tree();
    tree.write(wiringFile, base);
    expect(await wireModules(tree, ['core', 'billing_advanced'])).toBe(true);
    const once = tree.read(wiringFile);
    expect(once).toContain("import { billingAdvancedModule } from './modules/billing_advanced/index.js';");
    expect(once).toContain('export const modules: AppModule[] = [coreModule, billingAdvancedModule];');
    expect(await wireModules(tree, ['core', 'billing_advanced'])).toBe(false);
    expect(tree.read(wiringFile)).toBe(once);
  });

  it("keeps the user's own code around the registration", async () => {
    const tree = new Tree();
    const edited = `// my header\n${base.replace('= [];', '= [\n  myModule, // mine\n];')}import { myModule } from './my.js';\nexport const extra = 1;\n`;
    tree.write(wiringFile, edited);
    await wireModules(tree, ['core']);
    const text = tree.read(wiringFile);
    expect(text).toContain('// my header');
    expect(text).toContain('myModule, // mine');
    expect(text).toContain('coreModule');
    expect(text).toContain('export const extra = 1;');
  });

  it('names the file, the stage and the line to add when the anchor is gone', async () => {
    const tree = new Tree();
    tree.write(wiringFile, 'export const somethingElse = [];\n');
    await expect(wireModules(tree, ['core'])).rejects.toThrow(
      "src/modules.ts: wire: cannot find `export const modules: AppModule[] = [...]`; add it back, or register by hand: import { coreModule } from './modules/core/index.js'",
    );
  });
});
