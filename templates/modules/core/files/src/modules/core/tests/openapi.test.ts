import { validate, compileErrors } from '@readme/openapi-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [widgetsModule] });
});
afterAll(async () => {
  await t.close();
});

describe('GET /openapi.json', () => {
  it('when fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const response = await request(t.app).get('/openapi.json').expect(200).expect('content-type', /json/);
    const document = response.body as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('when fetched, then every route is documented with its parameters and problem answers', async () => {
    const response = await request(t.app).get('/openapi.json').expect(200);
    const paths = (response.body as { paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>> }).paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/csrf-token', '/widgets', '/widgets/{id}']));
    const read = paths['/widgets/{id}']?.get;
    expect(read?.parameters?.map((parameter) => parameter.name)).toEqual(['id']);
    expect(Object.keys(read?.responses ?? {})).toEqual(expect.arrayContaining(['200', '422', '429']));
  });
});

describe('GET /docs', () => {
  it('when fetched, then Swagger UI is served without inline scripts', async () => {
    const response = await request(t.app).get('/docs/').expect(200).expect('content-type', /html/);
    expect(response.text).toContain('swagger-ui');
    expect(response.text).not.toMatch(/<script>[^<]/);
  });
});
