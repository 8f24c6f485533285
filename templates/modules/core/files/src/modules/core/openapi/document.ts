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

function responsesOf(route: RouteDefinition): Record<number, ResponseConfig> {
  const responses: Record<number, ResponseConfig> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[Number(status)] =
      response.schema === undefined
        ? { description: response.description }
        : { description: response.description, content: { 'application/json': { schema: response.schema } } };
  }
  const hasInput = route.request?.body !== undefined || route.request?.query !== undefined || route.request?.params !== undefined;
  if (hasInput) responses[422] ??= problem('The input failed validation; `errors` lists every problem');
  if (route.request?.body !== undefined) {
    responses[400] ??= problem('Malformed JSON body');
    responses[413] ??= problem('Body larger than the configured limit');
  }
  if (route.permission !== undefined) {
    responses[401] ??= problem('Authentication required');
    responses[403] ??= problem(`Caller lacks the ${route.permission} permission`);
  }
  responses[429] ??= problem('Rate limit reached; see Retry-After');
  responses[500] ??= problem('Unexpected error');
  return responses;
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

/** The OpenAPI 3.1 document of every module's routes and registrations. */
export function buildOpenApiDocument(info: ApiInfo, routes: readonly RouteDefinition[], modules: readonly AppModule[]): object {
  const registry = new OpenAPIRegistry();
  registry.register('Problem', ProblemSchema);
  for (const route of routes) registry.registerPath(toRouteConfig(route));
  for (const module of modules) module.openapi?.(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info },
  });
}
