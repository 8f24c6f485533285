import express, { type RequestHandler } from 'express';
import { HttpError } from './problem.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

/** Finds a key that could pollute prototypes once the body is merged into an object somewhere downstream. */
function findForbiddenKey(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return '(nesting too deep)';
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Parses JSON bodies up to `limitKb` (413 above, 400 when malformed) and refuses `__proto__`,
 * `constructor` and `prototype` keys at any depth.
 */
export function jsonBody(limitKb: number): RequestHandler[] {
  const refusePollution: RequestHandler = (req, _res, next) => {
    const key = findForbiddenKey(req.body);
    if (key === undefined) {
      next();
      return;
    }
    next(new HttpError(400, { title: 'Forbidden key in body', detail: `The key "${key}" is not accepted.` }));
  };
  return [express.json({ limit: `${String(limitKb)}kb`, strict: true }), refusePollution];
}
