import type { AppHooks, AppModule, HookName, HookRegistry } from './contract.js';

/** Collects every module's hooks once, in module order (dependencies first). */
export function createHookRegistry(modules: readonly AppModule[]): HookRegistry {
  const byName = new Map<HookName, unknown[]>();
  for (const module of modules) {
    for (const [name, hook] of Object.entries(module.hooks ?? {})) {
      if (hook === undefined) continue;
      const list = byName.get(name as HookName) ?? [];
      list.push(hook);
      byName.set(name as HookName, list);
    }
  }
  return {
    all<Name extends HookName>(name: Name): readonly AppHooks[Name][] {
      return (byName.get(name) ?? []) as AppHooks[Name][];
    },
  };
}
