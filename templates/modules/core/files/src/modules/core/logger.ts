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
const SECRET_KEYS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-csrf-token',
  'password', 'token', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'api_key', 'apiKey',
];
/** Walking stops here: deeper values are written as they are. */
const MAX_DEPTH = 6;

/**
 * Censors every key in `keys` (case-insensitive) in plain objects and arrays down to MAX_DEPTH levels, copying
 * only the objects it changes. One pass over the line is several times cheaper than pino's wildcard redaction.
 */
export function secretCensor(keys: Iterable<string>): (line: Record<string, unknown>) => Record<string, unknown> {
  const secret = new Set([...keys].map((key) => key.toLowerCase()));
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
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
 * every field a module lists in `sensitiveFields` are censored at any depth (down to 6 levels) of plain objects
 * and arrays; class instances (errors, requests) are not walked, so log what you mean, not whole objects.
 * Modules extend the logger through `logging` (mixins, exact pino redaction paths, a transport).
 * `destination` replaces stdout (tests read lines from it).
 */
export function createLogger(config: AppConfig, modules: readonly AppModule[] = [], destination?: pino.DestinationStream): Logger {
  const extensions = modules.flatMap((module) => module.logging?.(config) ?? []);
  const mixins = extensions.flatMap((extension) => extension.mixin ?? []);
  const transport = destination === undefined ? extensions.find((extension) => extension.transport)?.transport : undefined;
  const censor = secretCensor([...SECRET_KEYS, ...modules.flatMap((module) => module.sensitiveFields ?? [])]);
  const paths = extensions.flatMap((extension) => extension.redact ?? []);
  const options: pino.LoggerOptions = {
    level: config.env.LOG_LEVEL,
    formatters: { log: censor },
    ...(paths.length === 0 ? {} : { redact: { paths, censor: REDACTED } }),
    ...(mixins.length === 0 ? {} : { mixin: mixins.length === 1 ? mixins[0] : () => Object.assign({}, ...mixins.map((mixin) => mixin())) as object }),
    ...(transport === undefined ? {} : { transport }),
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
