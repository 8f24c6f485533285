import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { forgeBin, scratch } from './forge-process.js';

/**
 * `forge new`'s prompts through a real pseudo-terminal: a person waits for each question, types, presses keys.
 * Python's standard pty module drives it (pty-driver.py): node-pty needs a native build, and `script -q` gives a
 * terminal but types everything at once, before the prompts are drawn, which is not what a person does.
 */
const driver = join(import.meta.dirname, 'pty-driver.py');
const python = (await execa('python3', ['--version'], { reject: false })).exitCode === 0;
if (!python && process.env.CI === undefined) console.warn('!!! python3 is missing: the pseudo-terminal tests of forge new are SKIPPED');

const keys = { enter: '\r', down: '\x1b[B', space: ' ', ctrlC: '\x03', backspace: '\x7f' };
type Step = { expect: string; send: string };

async function typeInto(steps: Step[], args: string[] = []) {
  const cwd = scratch();
  const r = await execa('python3', [driver, JSON.stringify(['node', forgeBin, 'new', ...args, '--skip-install', '--skip-git']), JSON.stringify(steps), cwd]);
  const { code, transcript, waitingFor } = JSON.parse(r.stdout) as { code: number | null; transcript: string; waitingFor?: string };
  if (waitingFor !== undefined) throw new Error(`never saw "${waitingFor}"; the terminal showed:\n${transcript}`);
  return { code, transcript, cwd };
}

describe.skipIf(!python && process.env.CI === undefined).concurrent('forge new in a terminal', () => {
  it('asks for the name, database and modules; a refused name is typed again; the answers become forge.yaml', async () => {
    const r = await typeInto([
      { expect: 'Project name', send: `Shop${keys.enter}` },
      { expect: 'lower-case npm name', send: `${keys.backspace.repeat(4)}my-shop${keys.enter}` },
      { expect: 'Database', send: `${keys.down}${keys.enter}` },
      // The first choices are planned modules (disabled): auth is the third.
      { expect: 'Modules', send: `${keys.down}${keys.down}${keys.space}${keys.enter}` },
    ]);
    expect(r.code, r.transcript).toBe(0);
    expect(r.transcript).toContain('created my-shop with core, auth');
    const manifest = readFileSync(join(r.cwd, 'my-shop', 'forge.yaml'), 'utf8');
    expect(manifest).toContain('name: my-shop\ndescription: ""\ndatabase: postgres\nmodules:\n  - name: auth\n');
    expect(existsSync(join(r.cwd, 'my-shop', 'src/modules/auth/index.ts'))).toBe(true);
  });

  it('Enter at every question takes the defaults: the folder name, SQLite, no optional module', async () => {
    const r = await typeInto(
      [
        { expect: 'Project name', send: keys.enter },
        { expect: 'Database', send: keys.enter },
        { expect: 'Modules', send: keys.enter },
      ],
      ['blank-app'],
    );
    expect(r.code, r.transcript).toBe(0);
    expect(readFileSync(join(r.cwd, 'blank-app', 'forge.yaml'), 'utf8')).toContain('name: blank-app\ndescription: ""\ndatabase: sqlite\nmodules: []\n');
  });

  const questions: [string, Step[]][] = [
    ['the name', [{ expect: 'Project name', send: `half${keys.ctrlC}` }]],
    ['the database', [{ expect: 'Project name', send: `my-shop${keys.enter}` }, { expect: 'Database', send: keys.ctrlC }]],
    [
      'the modules, with one ticked',
      [
        { expect: 'Project name', send: `my-shop${keys.enter}` },
        { expect: 'Database', send: keys.enter },
        { expect: 'Modules', send: `${keys.down}${keys.down}${keys.space}${keys.ctrlC}` },
      ],
    ],
  ];
  it.each(questions)('Ctrl-C at %s stops with exit 2 and leaves nothing behind', async (_, steps) => {
    const r = await typeInto(steps, ['my-shop']);
    expect(r.code, r.transcript).toBe(2);
    expect(r.transcript).toContain('cancelled');
    expect(readdirSync(r.cwd)).toEqual([]);
  });
});
