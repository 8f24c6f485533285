import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { getRegistryHere, out } from './shared.js';

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('the module dependency graph')
    .option('--format <format>', 'text, mermaid or dot', 'text')
    .action(async (opts: { format: string }) => {
      const modules = [...(await getRegistryHere()).values()].map((m) => m.descriptor);
      const edges = modules.flatMap((m) => m.dependsOn.map((d) => [m.name, d] as const));
      if (opts.format === 'text') {
        for (const m of modules) out(`${m.name}${m.dependsOn.length ? ` → ${m.dependsOn.join(', ')}` : ''}`);
      } else if (opts.format === 'mermaid') {
        out('graph TD');
        for (const [from, to] of edges) out(`  ${from} --> ${to}`);
      } else if (opts.format === 'dot') {
        out('digraph modules {');
        for (const m of modules) out(`  "${m.name}"${m.status === 'planned' ? ' [style=dashed]' : ''};`);
        for (const [from, to] of edges) out(`  "${from}" -> "${to}";`);
        out('}');
      } else {
        throw new InputError('bad-format', `--format must be text, mermaid or dot, not '${opts.format}'`);
      }
    });
}
