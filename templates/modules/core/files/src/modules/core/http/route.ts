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

export interface RouteSpec<S extends RequestSchemas> {
  method: HttpMethod;
  /** Express path syntax, e.g. `/widgets/:id`; shown as `/widgets/{id}` in OpenAPI. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  request?: S;
  /** Status of a successful answer (default 200). A 204 sends no body. */
  status?: number;
  responses: Record<number, RouteResponse>;
  /** Permission the caller needs; leave out for a public route. */
  permission?: string;
  handler: (input: ParsedRequest<S>, context: RouteHandlerContext) => unknown;
}

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
    if (result instanceof Promise) return result.then((value: unknown) => { send(res, value); });
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
