import type { AppHooks, HookName, HookRegistry } from './contract.js';

/** The registry createApp fills from each module's `setup`, then completes before anything reads it. */
export interface HookCollector extends HookRegistry {
  /** Adds one module's hooks; modules are added in module order (dependencies first). */
  add(hooks: Partial<AppHooks>): void;
  /** Every module's setup has run: from now on `all` answers, and `add` is refused. */
  complete(): void;
}

/**
 * Collects every module's hooks once per app. Reading before every setup has run would miss the hooks of the
 * modules after the reader, so it throws instead: read hooks when a request or `onReady` runs.
 */
export function createHookRegistry(): HookCollector {
  const byName = new Map<HookName, unknown[]>();
  let completed = false;
  return {
    add(hooks) {
      if (completed) throw new Error('hooks are added by setup, before the app is complete');
      for (const [name, hook] of Object.entries(hooks) as [HookName, unknown][]) {
        if (typeof hook !== 'function') continue;
        const list = byName.get(name) ?? [];
        list.push(hook);
        byName.set(name, list);
      }
    },
    complete() {
      completed = true;
    },
    all<Name extends HookName>(name: Name): readonly AppHooks[Name][] {
      if (!completed) throw new Error(`hooks.all('${name}') read during setup; read it when a request or onReady runs`);
      return (byName.get(name) ?? []) as AppHooks[Name][];
    },
  };
}
