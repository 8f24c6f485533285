import express, { type RequestHandler } from 'express';
import { HttpError } from './problem.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

/**
 * Finds what makes a body unsafe to hand on: a key that could pollute prototypes once the body is merged into
 * an object downstream, or nesting deep enough to exhaust the stack of a recursive consumer.
 */
function findProblem(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return `The body is nested deeper than ${String(MAX_DEPTH)} levels.`;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `The key "${key}" is not accepted.`;
    const problem = findProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Parses JSON bodies up to `limitKb` (413 above, 400 when malformed) and refuses `__proto__`,
 * `constructor` and `prototype` keys at any depth, and bodies nested deeper than MAX_DEPTH.
 */
export function jsonBody(limitKb: number): RequestHandler {
  const parse: RequestHandler = express.json({ limit: `${String(limitKb)}kb`, strict: true });
  // One middleware rather than two: every layer costs each request a trip through the router.
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const problem = findProblem(req.body);
      next(problem === undefined ? undefined : new HttpError(400, { title: 'Unsafe body', detail: problem }));
    });
  };
}
