import type { Request } from 'express';
import type { z } from 'zod';
import { type FieldError, ValidationError } from './problem.js';

export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ParsedRequest<S extends RequestSchemas> {
  params: Output<S['params']>;
  query: Output<S['query']>;
  body: Output<S['body']>;
}

const PARTS = ['params', 'query', 'body'] as const;

/**
 * Parses params, query and body with their schemas and throws one 422 listing every error of every part.
 * Object schemas drop keys they do not declare, so a body cannot smuggle in `tenantId`, roles or flags.
 */
export function parseRequest<S extends RequestSchemas>(req: Request, schemas: S): ParsedRequest<S> {
  const errors: FieldError[] = [];
  const parsed: Record<string, unknown> = {};
  for (const part of PARTS) {
    const schema = schemas[part];
    if (schema === undefined) continue;
    const result = schema.safeParse(req[part]);
    if (result.success) {
      parsed[part] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      errors.push({ in: part, path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return parsed as unknown as ParsedRequest<S>;
}
