import type { ModuleContext } from '../core/index.js';
import { createRuntime, type AuthModuleOptions, type AuthRuntime } from './runtime.js';

/** One auth runtime per app, built on first use, however many of the module's contract functions ask for it. */
export function runtimePerApp(options: AuthModuleOptions): (context: ModuleContext) => AuthRuntime {
  const runtimes = new WeakMap<ModuleContext, AuthRuntime>();
  return (context) => {
    let runtime = runtimes.get(context);
    if (runtime === undefined) {
      runtime = createRuntime(context, options);
      runtimes.set(context, runtime);
    }
    return runtime;
  };
}
