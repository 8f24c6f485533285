import { pino } from 'pino';
import type { AppConfig } from '../../config.js';
import type { AppModule } from './contract.js';

export type Logger = pino.Logger;

/** What a module adds to the app's logger through its `logging` contribution. */
export interface LoggerExtension {
  /** Properties merged into every line, e.g. the ids of the current request and trace. */
  mixin?: () => Record<string, unknown>;
  /** More pino redaction paths (exact paths: wildcards cost microseconds on every line). */
  redact?: readonly string[];
  /** Where lines go instead of stdout, e.g. a pretty printer in development. */
  transport?: pino.TransportSingleOptions;
}

export const REDACTED = '[redacted]';
/** Credential headers and secret-bearing keys, censored wherever they appear in a logged object. */
export const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'api_key',
  'apiKey',
  // A failed query's bound values (TypeORM's QueryFailedError.parameters): passwords, tokens, personal data.
  'parameters',
];
/** Walking stops here: deeper values are written as they are. */
const MAX_DEPTH = 6;

/** An error as a plain object: type, message, stack and its own properties (which the censor then walks). */
function plainError(error: Error): Record<string, unknown> {
  const plain: Record<string, unknown> = { type: error.constructor.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) plain[key] = value;
  if (error.cause !== undefined) plain.cause = error.cause;
  return plain;
}

/**
 * Censors every key in `keys` (case-insensitive) in plain objects, arrays and errors (as plain objects) down to
 * MAX_DEPTH levels, copying only the objects it changes. One pass over the line is several times cheaper than
 * pino's wildcard redaction.
 */
export function secretCensor(keys: Iterable<string>): (line: Record<string, unknown>) => Record<string, unknown> {
  const secret = new Set([...keys].map((key) => key.toLowerCase()));
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (value instanceof Error) return walk(plainError(value), depth);
    if (Array.isArray(value)) {
      const list = value as unknown[];
      let copy: unknown[] | undefined;
      list.forEach((item, i) => {
        const next = walk(item, depth + 1);
        if (next !== item) (copy ??= [...list])[i] = next;
      });
      return copy ?? list;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in record) {
      const item = record[key];
      const next = secret.has(key.toLowerCase()) ? REDACTED : walk(item, depth + 1);
      if (next !== item) (copy ??= { ...record })[key] = next;
    }
    return copy ?? value;
  };
  return (line) => walk(line, 0) as Record<string, unknown>;
}

/**
 * One JSON logger for the whole app. Before a line is written, credential headers, password and token keys and
 * every field a module lists in `sensitiveFields` are censored at any depth (down to 6 levels) of plain objects,
 * arrays and errors, in each line and in child bindings; other class instances (requests) are not walked, so
 * log what you mean, not whole objects.
 * Modules extend the logger through `logging` (mixins, exact pino redaction paths, a transport).
 * `destination` replaces stdout (tests read lines from it).
 */
export function createLogger(
  config: AppConfig,
  modules: readonly AppModule[] = [],
  destination?: pino.DestinationStream,
): Logger {
  const extensions = modules.flatMap((module) => module.logging?.(config) ?? []);
  const mixins = extensions.flatMap((extension) => extension.mixin ?? []);
  const transport =
    destination === undefined ? extensions.find((extension) => extension.transport)?.transport : undefined;
  const censor = secretCensor([...SECRET_KEYS, ...modules.flatMap((module) => module.sensitiveFields ?? [])]);
  const paths = extensions.flatMap((extension) => extension.redact ?? []);
  const options: pino.LoggerOptions = {
    level: config.env.LOG_LEVEL,
    formatters: { log: censor },
    // Errors are plain, censored objects by now (pino's own serializer would rename their type to Object).
    serializers: { err: (value: unknown) => value },
    ...(paths.length === 0 ? {} : { redact: { paths, censor: REDACTED } }),
    ...(mixins.length === 0
      ? {}
      : {
          mixin: mixins.length === 1 ? mixins[0] : () => Object.assign({}, ...mixins.map((mixin) => mixin())) as object,
        }),
    ...(transport === undefined ? {} : { transport }),
  };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  // pino writes a child's bindings (`logger.child({ ... })`) apart from each line, past formatters.log: censor
  // them as they are bound. Children inherit this method, so grandchildren are censored too.
  type Child = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each logger as `this`
  const child = logger.child as unknown as Child;
  logger.child = function (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) {
    return child.call(this, censor(bindings), childOptions);
  } as unknown as Logger['child'];
  return logger;
}
