import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AppConfig } from '../../../config.js';
import type { AppModule } from '../contract.js';
import type { RouteDefinition, SecurityRequirement } from '../http/route.js';
import { CORE_PLATFORM_PATHS } from '../tenancy/resolve-tenant.js';
import { TENANT_ID_PATTERN } from '../tenancy/tenant-context.js';
import { assertUniqueOperationIds, operationIdOf, usedTags } from './operation-ids.js';
import { registerRateLimitHeaders, responsesOf } from './responses.js';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** A module with the routes it declared, so each route is tagged with (and named after) its module. */
export interface ModuleRoutes {
  module: AppModule;
  routes: readonly RouteDefinition[];
}

/** `/widgets/:id` → `/widgets/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function objectOrUndefined(schema: z.ZodType | undefined): z.ZodObject | undefined {
  return schema instanceof z.ZodObject ? schema : undefined;
}

const TenantId = z.string().max(63).regex(TENANT_ID_PATTERN);

const mutable = (requirements: readonly SecurityRequirement[]) =>
  requirements.map((requirement) =>
    Object.fromEntries(Object.entries(requirement).map(([scheme, scopes]) => [scheme, [...scopes]])),
  );

/** What the whole app decides for every route: its security schemes, and how a request names its tenant. */
interface AppFacts {
  schemes: ReadonlySet<string>;
  /** Requirements a `permission` route accepts: one per scheme that yields a principal. */
  principalSecurity: readonly SecurityRequirement[];
  tenantHeader: string | undefined;
  platformPaths: ReadonlySet<string>;
}

/** Who may call the route, as OpenAPI security; `[{}]` marks a route as deliberately open to anonymous callers. */
function securityOf(route: RouteDefinition, facts: AppFacts): SecurityRequirement[] {
  const security = route.public === true ? [{}] : (route.security ?? facts.principalSecurity);
  for (const scheme of security.flatMap((requirement) => Object.keys(requirement))) {
    if (!facts.schemes.has(scheme)) {
      throw new Error(
        `Route ${route.method.toUpperCase()} ${route.path} names security scheme ${scheme}, which no module declares`,
      );
    }
  }
  return [...security];
}

function toRouteConfig(route: RouteDefinition, module: AppModule, facts: AppFacts): RouteConfig {
  const { params, query, body } = route.request ?? {};
  const paramsObject = objectOrUndefined(params);
  const queryObject = objectOrUndefined(query);
  const tenantScoped = !facts.platformPaths.has(route.path);
  const tenant = TenantId.meta({
    description: 'The tenant (organisation) the request acts in; an unknown or inactive one is a 400',
  });
  const headers =
    facts.tenantHeader === undefined || !tenantScoped
      ? undefined
      : z.object({ [facts.tenantHeader]: route.tenant === 'required' ? tenant : tenant.optional() });
  return {
    method: route.method,
    path: toOpenApiPath(route.path),
    operationId: route.operationId ?? operationIdOf(route.method, route.path),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: route.tags ?? [module.name],
    security: mutable(securityOf(route, facts)),
    ...(route.permission === undefined ? {} : { 'x-permission': route.permission }),
    request: {
      ...(paramsObject === undefined ? {} : { params: paramsObject }),
      ...(queryObject === undefined ? {} : { query: queryObject }),
      ...(headers === undefined ? {} : { headers }),
      ...(body === undefined ? {} : { body: { required: true, content: { 'application/json': { schema: body } } } }),
      ...(route.rawBody === undefined
        ? {}
        : { body: { required: true, content: { [route.rawBody.mediaType]: { schema: route.rawBody.schema } } } }),
    },
    responses: responsesOf(route, { tenantScoped, authenticated: route.public !== true }),
  };
}

function tenancyNote(core: AppConfig['core']): string {
  switch (core.tenantResolution) {
    case 'header':
      return `A request names its tenant in the \`${core.tenantHeader}\` header.`;
    case 'subdomain':
      return `Each tenant is served at its own subdomain (\`<tenant>.${core.tenantBaseDomain || '<domain>'}\`).`;
    case 'token':
      return 'A request acts in the tenant named by its access token.';
  }
}

/** Every module's security schemes, registered once; two modules declaring one name is a wiring bug. */
function registerSecuritySchemes(registry: OpenAPIRegistry, modules: readonly AppModule[], config: AppConfig) {
  const schemes = new Map<string, string>();
  const principalSecurity: SecurityRequirement[] = [];
  for (const module of modules) {
    for (const [name, declared] of Object.entries(module.securitySchemes?.(config) ?? {})) {
      const owner = schemes.get(name);
      if (owner !== undefined)
        throw new Error(`Security scheme ${name} is declared by both ${owner} and ${module.name}`);
      schemes.set(name, module.name);
      registry.registerComponent('securitySchemes', name, declared.scheme);
      if (declared.yieldsPrincipal === true) principalSecurity.push({ [name]: [] });
    }
  }
  return { schemes: new Set(schemes.keys()), principalSecurity };
}

/**
 * The OpenAPI 3.1 document of every module's routes and registrations. Name a reusable schema with zod's own
 * `.meta({ id: 'Widget' })`; it then appears once under components and is referenced everywhere else.
 * Throws, stopping the boot, when two operations share an operationId or a route names an undeclared scheme.
 */
export function buildOpenApiDocument(info: ApiInfo, config: AppConfig, moduleRoutes: readonly ModuleRoutes[]): object {
  const registry = new OpenAPIRegistry();
  const modules = moduleRoutes.map(({ module }) => module);
  registerRateLimitHeaders(registry);
  const facts: AppFacts = {
    ...registerSecuritySchemes(registry, modules, config),
    tenantHeader: config.core.tenantResolution === 'header' ? config.core.tenantHeader : undefined,
    platformPaths: new Set([...CORE_PLATFORM_PATHS, ...modules.flatMap((module) => module.platformPaths ?? [])]),
  };
  for (const { module, routes } of moduleRoutes) {
    for (const route of routes) registry.registerPath(toRouteConfig(route, module, facts));
  }
  for (const module of modules) module.openapi?.(registry);
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        info.description === undefined
          ? tenancyNote(config.core)
          : `${info.description}\n\n${tenancyNote(config.core)}`,
    },
    // Relative: the server this document is served from, whichever environment that is.
    servers: [{ url: '/', description: 'This server (local, staging or production alike)', 'x-internal': false }],
  });
  const paths = document.paths ?? {};
  assertUniqueOperationIds(paths);
  const descriptions = new Map([
    ...modules.map((module): [string, string | undefined] => [module.name, module.description]),
    ...modules.flatMap((module) => Object.entries(module.tags ?? {})),
  ]);
  document.tags = usedTags(paths).map((name) => {
    const description = descriptions.get(name);
    return description === undefined ? { name } : { name, description };
  });
  return document;
}
