import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ModuleContext, Principal } from '../contract.js';
import { HttpError } from './problem.js';
import { parseRequest, type ParsedRequest, type RequestSchemas } from './validation.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  /** When given, the handler's result is parsed with it before it is sent: undeclared fields never leave. */
  schema?: z.ZodType;
}

export interface RouteHandlerContext {
  req: Request;
  res: Response;
  principal: Principal | undefined;
}

/** An OpenAPI security requirement: scheme name → scopes (empty for schemes without scopes). */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

/**
 * Who may call a route, stated on every route so none is open by omission: holders of a `permission` (any scheme
 * that yields a principal, unless `security` narrows it), anyone (`public`), or callers presenting a credential the
 * handler checks itself (`security` alone, e.g. a metrics scrape token).
 */
export type RouteAccess =
  | { permission: string; public?: never; security?: readonly SecurityRequirement[] }
  | { public: true; permission?: never; security?: never }
  | { security: readonly SecurityRequirement[]; permission?: never; public?: never };

interface RouteFields<S extends RequestSchemas> {
  method: HttpMethod;
  /** Express path syntax, e.g. `/widgets/:id`; shown as `/widgets/{id}` in OpenAPI. */
  path: string;
  summary: string;
  description?: string;
  /** Defaults to the module's name: one tag per module. */
  tags?: string[];
  /** Defaults to method + path in camelCase (`GET /widgets/:id` → `getWidgetsById`); must be unique in the app. */
  operationId?: string;
  /**
   * Whether the route acts on one tenant's data and so needs the request to name a tenant (default `optional`).
   * Documented as the tenant header when tenants are named by header.
   */
  tenant?: 'required' | 'optional';
  request?: S;
  /**
   * The route reads its body as bytes (a webhook whose signature covers them): it is mounted before core's
   * cookies, JSON parser, authentication, CSRF check and tenant resolution, so its access is `public` or a
   * `security` it checks itself. `req.body` is a Buffer (empty when none was sent); above `limitBytes`, a 413.
   * `schema` documents the body in OpenAPI and is not applied: the handler parses what it has verified.
   */
  rawBody?: { limitBytes: number; mediaType: string; schema: z.ZodType };
  /** Status of a successful answer (default 200). A 204 sends no body. */
  status?: number;
  /** The route's own answers. An error status without a schema is documented as problem+json. */
  responses: Record<number, RouteResponse>;
  handler: (input: ParsedRequest<S>, context: RouteHandlerContext) => unknown;
}

export type RouteSpec<S extends RequestSchemas> = RouteFields<S> & RouteAccess;

/** A route with its input types erased, as modules hand it to the app. */
export type RouteDefinition = RouteSpec<RequestSchemas>;

/** Declares a route; the handler's input is typed from the zod schemas. */
export function defineRoute<const S extends RequestSchemas = RequestSchemas>(spec: RouteSpec<S>): RouteDefinition {
  return spec;
}

export type Authorizer = (principal: Principal, permission: string, req: Request) => Promise<boolean>;

async function checkPermission(req: Request, permission: string, authorizers: readonly Authorizer[]): Promise<void> {
  const principal = req.principal;
  if (principal === undefined) throw new HttpError(401, { detail: 'Authentication is required.' });
  for (const authorize of authorizers) {
    if (await authorize(principal, permission, req)) return;
  }
  // Fails closed: with no module able to grant permissions, guarded routes stay shut.
  throw new HttpError(403, { detail: `Missing permission ${permission}.` });
}

/**
 * A route's `permission` check for raw Express routers (`ModuleRuntime.router`), e.g.
 * `router.get('/export', requirePermission(context, 'reports:export'), handler)`: 401 without a principal, 403
 * unless a module's `authorize` hook grants the permission.
 */
export function requirePermission(context: Pick<ModuleContext, 'hooks'>, permission: string): RequestHandler {
  // Read per request: a router is built in `setup`, before every module's hooks are registered.
  return async (req, _res, next) => {
    await checkPermission(req, permission, context.hooks.all('authorize'));
    next();
  };
}

/**
 * Turns a route definition into an Express handler: permission, validation, handler, response filtering.
 * Synchronous handlers stay synchronous: on hot routes like /health a needless promise is measurable.
 */
export function toRequestHandler(route: RouteDefinition, authorizers: readonly Authorizer[]): RequestHandler {
  const status = route.status ?? 200;
  const responseSchema = route.responses[status]?.schema;
  const schemas = route.request ?? {};

  const send = (res: Response, result: unknown): void => {
    if (res.headersSent) return;
    if (status === 204 || result === undefined) {
      res.status(status).end();
      return;
    }
    res.status(status).json(responseSchema === undefined ? result : responseSchema.parse(result));
  };
  const run = (req: Request, res: Response): Promise<void> | undefined => {
    const result = route.handler(parseRequest(req, schemas), { req, res, principal: req.principal });
    if (result instanceof Promise)
      return result.then((value: unknown) => {
        send(res, value);
      });
    send(res, result);
    return undefined;
  };

  if (route.permission === undefined) return run;
  const permission = route.permission;
  return async (req, res) => {
    await checkPermission(req, permission, authorizers);
    await run(req, res);
  };
}
