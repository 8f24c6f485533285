import type { AppHooks, AppModule, HookName, HookRegistry } from './contract.js';

/** Collects every module's hooks once, in module order (dependencies first). */
export function createHookRegistry(modules: readonly AppModule[]): HookRegistry {
  const byName = new Map<HookName, unknown[]>();
  for (const module of modules) {
    for (const [name, hook] of Object.entries(module.hooks ?? {}) as [HookName, unknown][]) {
      if (typeof hook !== 'function') continue;
      const list = byName.get(name) ?? [];
      list.push(hook);
      byName.set(name, list);
    }
  }
  return {
    all<Name extends HookName>(name: Name): readonly AppHooks[Name][] {
      return (byName.get(name) ?? []) as AppHooks[Name][];
    },
  };
}
