import { validate, compileErrors } from '@readme/openapi-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../../../app-info.js';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

interface Response {
  headers?: Record<string, unknown>;
  content?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, Response>;
  'x-permission'?: string;
}
interface Document {
  openapi: string;
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

/** A module shaped like one that guards routes: a principal-yielding scheme and a route behind a permission. */
const guardedModule: AppModule = {
  name: 'test_guarded',
  description: 'Guarded test routes',
  securitySchemes: () => ({ testBearer: { scheme: { type: 'http', scheme: 'bearer' }, yieldsPrincipal: true } }),
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/test-guarded',
        summary: 'A route behind a permission',
        permission: 'test:read',
        responses: { 200: { description: 'Never reached without a principal' } },
        handler: () => ({ ok: true }),
      }),
    ],
  }),
};

let t: TestApp;
let document: Document;
beforeAll(async () => {
  t = await startTestApp({ modules: [widgetsModule, guardedModule] });
  document = (await request(t.app).get('/openapi.json').expect(200)).body as Document;
});
afterAll(async () => {
  await t.close();
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );

describe('GET /openapi.json', () => {
  it('when fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const response = await request(t.app).get('/openapi.json').expect(200).expect('content-type', /json/);
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(response.body) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('when fetched, then every route is documented with its parameters and problem answers', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health', '/ready', '/csrf-token', '/widgets', '/widgets/{id}']),
    );
    const read = document.paths['/widgets/{id}']?.get;
    expect(read?.parameters?.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name)).toEqual(
      ['id'],
    );
    expect(Object.keys(read?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404', '422', '429']));
  });

  it('when fetched, then every operation has a unique operationId and a tag defined with its module', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/widgets/{id}']?.get?.operationId).toBe('getWidgetsById');
    const defined = new Set(document.tags?.map((tag) => tag.name));
    for (const { name, operation } of operations()) {
      expect(operation.tags?.length, name).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(defined.has(tag), `${name} tag ${tag}`).toBe(true);
    }
    expect(document.tags).toContainEqual({ name: 'test_guarded', description: 'Guarded test routes' });
  });

  it('when fetched, then every protected route names declared schemes and documents 401 and 403 as problems', () => {
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    expect(schemes).toContain('testBearer');
    const guarded = operations().filter(({ operation }) => operation['x-permission'] !== undefined);
    expect(guarded.map(({ name }) => name)).toContain('GET /test-guarded');
    for (const { name, operation } of guarded) {
      const required = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect(required.length, name).toBeGreaterThan(0);
      for (const scheme of required) expect(schemes, `${name} scheme ${scheme}`).toContain(scheme);
      for (const status of ['401', '403']) {
        expect(operation.responses[status]?.content, `${name} ${status}`).toHaveProperty(['application/problem+json']);
      }
      expect(operation.responses['401']?.headers, name).toHaveProperty(['WWW-Authenticate']);
    }
  });

  it('when fetched, then public routes say so explicitly and every other answer carries the RateLimit headers', () => {
    expect(document.paths['/health']?.get?.security).toEqual([{}]);
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.headers, `${name} ${status}`).toHaveProperty(['RateLimit']);
        expect(response.headers, `${name} ${status}`).toHaveProperty(['RateLimit-Policy']);
      }
      expect(operation.responses['429']?.headers, name).toHaveProperty(['Retry-After']);
      expect(operation.responses['429']?.content, name).toHaveProperty(['application/problem+json']);
    }
  });

  it('when tenants are named by header, then tenant routes take it as a parameter and platform routes do not', () => {
    const header = t.config.core.tenantHeader;
    const tenantOf = (operation: Operation | undefined) =>
      operation?.parameters?.find((parameter) => parameter.in === 'header' && parameter.name === header);
    expect(t.config.core.tenantResolution).toBe('header');
    expect(tenantOf(document.paths['/widgets']?.get)?.required).toBe(true);
    expect(tenantOf(document.paths['/test-guarded']?.get)?.required).toBe(false);
    expect(tenantOf(document.paths['/health']?.get)).toBeUndefined();
  });
});

describe('building the document', () => {
  const route = (path: string) =>
    defineRoute({
      method: 'get',
      path,
      summary: path,
      public: true,
      responses: { 200: { description: 'ok' } },
      handler: () => 'ok',
    });

  it('when two routes derive the same operationId, then building stops and names both', () => {
    const clashing: AppModule = { name: 'test_clash' };
    expect(() =>
      buildOpenApiDocument(appInfo, t.config, [{ module: clashing, routes: [route('/a-b'), route('/a_b')] }]),
    ).toThrow(/operationId getAB is used by both GET \/a-b and GET \/a_b/);
  });

  it('when a route names a security scheme no module declares, then building stops', () => {
    const unknown = defineRoute({
      method: 'get',
      path: '/x',
      summary: 'x',
      security: [{ nobody: [] }],
      responses: { 200: { description: 'ok' } },
      handler: () => 'ok',
    });
    expect(() => buildOpenApiDocument(appInfo, t.config, [{ module: { name: 'test_x' }, routes: [unknown] }])).toThrow(
      /security scheme nobody/,
    );
  });
});

describe('401 answers', () => {
  it('when no credential is presented, then the 401 carries the bare Bearer challenge', async () => {
    const response = await request(t.app).get('/test-guarded').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('when a bearer token is presented and refused, then the challenge says invalid_token', async () => {
    const response = await request(t.app).get('/test-guarded').set('Authorization', 'Bearer not-a-token').expect(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });
});

describe('GET /docs', () => {
  it('when fetched, then Swagger UI is served without inline scripts', async () => {
    const response = await request(t.app).get('/docs/').expect(200).expect('content-type', /html/);
    expect(response.text).toContain('swagger-ui');
    expect(response.text).not.toMatch(/<script>[^<]/);
  });
});
