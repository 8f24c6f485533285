import { Command, CommanderError } from 'commander';
import kleur from 'kleur';
import { errorJson, ExitCode, GenerateError, InputError } from '../errors.js';
import { forgeVersion } from '../paths.js';
import { registerAddModule, registerRemoveModule } from './add-module.js';
import { registerCheck, registerGenerate } from './generate.js';
import { registerInfo, registerModules } from './modules.js';
import { registerGraph } from './graph.js';
import { registerNew } from './new.js';
import { registerValidate } from './validate.js';
import { registerSchema } from './schema.js';
import { registerModule } from './module.js';
import { err, json } from './shared.js';

const exitCodes = `
Exit codes:
  0  success
  1  forge check found drift (or generate left conflicts)
  2  bad input: manifest, flags or target directory
  3  internal error`;

/** Runs the CLI and returns the exit code; the launcher sets process.exitCode, nothing here exits. */
export async function run(argv: string[]): Promise<number> {
  if (process.env.NO_COLOR !== undefined || argv.includes('--no-color')) kleur.enabled = false;
  let code: number = ExitCode.ok;
  const program = new Command('forge')
    .description('One manifest in, a production-grade Express + TypeORM app out.')
    .version(forgeVersion)
    .option('--no-color', 'plain output (NO_COLOR is honoured too)')
    .addHelpText('after', exitCodes)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const setCode = (c: number) => {
    code = c;
  };
  // A command run with --json reports its failure as JSON on stdout too, where a pipeline reads its answer.
  let jsonOutput = false;
  program.hook('preAction', (_, action) => {
    jsonOutput = Boolean(action.opts().json);
  });
  for (const register of [registerNew, registerGenerate, registerCheck, registerAddModule, registerRemoveModule, registerModules, registerInfo, registerGraph, registerValidate, registerSchema, registerModule]) {
    register(program, setCode);
  }
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    const input = e instanceof InputError || e instanceof GenerateError;
    if (jsonOutput) json(errorJson(e));
    if (input) {
      if (!jsonOutput) err(kleur.red(e.message));
      return ExitCode.badInput;
    }
    err(kleur.red(`internal error: ${(e as Error).stack ?? String(e)}`));
    return ExitCode.internal;
  }
}
