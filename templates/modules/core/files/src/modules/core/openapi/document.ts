import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AppModule } from '../contract.js';
import type { RouteDefinition } from '../http/route.js';
import { ProblemSchema } from './problem-schema.js';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** `/widgets/:id` → `/widgets/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function problem(description: string): ResponseConfig {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

/** The route's own answers, plus the problem answers the core pipeline can give it, unless the route documents them. */
function responsesOf(route: RouteDefinition): Record<number, ResponseConfig> {
  const responses = new Map<number, ResponseConfig>();
  for (const [status, response] of Object.entries(route.responses)) {
    responses.set(
      Number(status),
      response.schema === undefined
        ? { description: response.description }
        : { description: response.description, content: { 'application/json': { schema: response.schema } } },
    );
  }
  const add = (status: number, description: string) => {
    if (!responses.has(status)) responses.set(status, problem(description));
  };
  const { params, query, body } = route.request ?? {};
  if (params !== undefined || query !== undefined || body !== undefined) add(422, 'The input failed validation; `errors` lists every problem');
  if (body !== undefined) {
    add(400, 'Malformed JSON body');
    add(413, 'Body larger than the configured limit');
  }
  if (route.permission !== undefined) {
    add(401, 'Authentication required');
    add(403, `Caller lacks the ${route.permission} permission`);
  }
  add(429, 'Rate limit reached; see Retry-After');
  add(500, 'Unexpected error');
  return Object.fromEntries(responses);
}

function objectOrUndefined(schema: z.ZodType | undefined): z.ZodObject | undefined {
  return schema instanceof z.ZodObject ? schema : undefined;
}

function toRouteConfig(route: RouteDefinition): RouteConfig {
  const { params, query, body } = route.request ?? {};
  const paramsObject = objectOrUndefined(params);
  const queryObject = objectOrUndefined(query);
  return {
    method: route.method,
    path: toOpenApiPath(route.path),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.tags === undefined ? {} : { tags: route.tags }),
    ...(route.permission === undefined ? {} : { 'x-permission': route.permission }),
    request: {
      ...(paramsObject === undefined ? {} : { params: paramsObject }),
      ...(queryObject === undefined ? {} : { query: queryObject }),
      ...(body === undefined ? {} : { body: { required: true, content: { 'application/json': { schema: body } } } }),
    },
    responses: responsesOf(route),
  };
}

/**
 * The OpenAPI 3.1 document of every module's routes and registrations. Name a reusable schema with zod's own
 * `.meta({ id: 'Widget' })`; it then appears once under components and is referenced everywhere else.
 */
export function buildOpenApiDocument(info: ApiInfo, routes: readonly RouteDefinition[], modules: readonly AppModule[]): object {
  const registry = new OpenAPIRegistry();
  for (const route of routes) registry.registerPath(toRouteConfig(route));
  for (const module of modules) module.openapi?.(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info },
  });
}
