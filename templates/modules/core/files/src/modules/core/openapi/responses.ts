import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { RouteDefinition } from '../http/route.js';
import { ProblemSchema } from './problem-schema.js';

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The rate-limit headers every answer carries (core's global limit runs before any route), as shared components. */
export function registerRateLimitHeaders(registry: OpenAPIRegistry): void {
  registry.registerComponent('headers', 'RateLimit', {
    description: 'Quota left in the current window of the limiter that counted this request: `"name";r=<left>;t=<s>`',
    schema: { type: 'string', maxLength: 200 },
  });
  registry.registerComponent('headers', 'RateLimit-Policy', {
    description: 'The limiter that counted this request: `"name";q=<requests>;w=<window seconds>`',
    schema: { type: 'string', maxLength: 200 },
  });
  registry.registerComponent('headers', 'Retry-After', {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 },
  });
}

function headersFor(status: number) {
  const rateLimit = { RateLimit: headerRef('RateLimit'), 'RateLimit-Policy': headerRef('RateLimit-Policy') };
  return status === 429 ? { ...rateLimit, 'Retry-After': headerRef('Retry-After') } : rateLimit;
}

function problem(status: number, description: string): ResponseConfig {
  const content = { 'application/problem+json': { schema: ProblemSchema } };
  if (status !== 401) return { description, headers: headersFor(status), content };
  const challenge = {
    description: '`Bearer`, with `error="invalid_token"` when a token was presented but refused (RFC 6750)',
    schema: { type: 'string' as const, maxLength: 200 },
  };
  return { description, headers: { ...headersFor(status), 'WWW-Authenticate': challenge }, content };
}

export interface ResponseFacts {
  /** The route passes tenant resolution, which refuses an unknown or inactive tenant with a 400. */
  tenantScoped: boolean;
  /** The route needs a credential: a permission or its own security. */
  authenticated: boolean;
}

/**
 * The route's own answers, plus the problem answers the core pipeline can give it, unless the route documents
 * them. An error status the route declares without a schema gets the problem+json body the error handler sends.
 */
export function responsesOf(route: RouteDefinition, facts: ResponseFacts): Record<number, ResponseConfig> {
  const responses = new Map<number, ResponseConfig>();
  for (const [key, response] of Object.entries(route.responses)) {
    const status = Number(key);
    if (response.schema !== undefined) {
      const content = { 'application/json': { schema: response.schema } };
      responses.set(status, { description: response.description, headers: headersFor(status), content });
    } else if (status >= 400) {
      responses.set(status, problem(status, response.description));
    } else {
      responses.set(status, { description: response.description, headers: headersFor(status) });
    }
  }
  const add = (status: number, description: string) => {
    if (!responses.has(status)) responses.set(status, problem(status, description));
  };
  const { params, query, body } = route.request ?? {};
  if (params !== undefined || query !== undefined || body !== undefined) {
    add(422, 'The input failed validation; `errors` lists every problem');
  }
  const badRequest = [
    ...(body === undefined ? [] : ['a malformed JSON body']),
    ...(facts.tenantScoped ? ['a request naming an unknown or inactive tenant'] : []),
  ];
  if (badRequest.length > 0) add(400, `Refused: ${badRequest.join(', or ')}`);
  if (facts.authenticated) add(401, 'No valid credential was presented');
  if (route.permission !== undefined) add(403, `The caller lacks the ${route.permission} permission`);
  if (params !== undefined) add(404, 'What the path names does not exist (or belongs to another tenant)');
  if (body !== undefined) {
    add(413, 'Body larger than the configured limit');
    add(415, 'Body encoding or charset not supported');
  }
  add(429, 'Rate limit reached; see Retry-After');
  add(500, 'Unexpected error');
  return Object.fromEntries(responses);
}
