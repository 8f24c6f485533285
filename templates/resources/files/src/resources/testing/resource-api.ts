import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { startTestApp, type TestApp } from '../../modules/core/testing/test-app.js';
import { resourcesModule } from '../index.js';
import { TEST_PERMISSIONS_HEADER, TEST_SUBJECT_HEADER, testPrincipalsModule } from './principals.js';

/** Every permission the resources declare: what a caller of `as` holds unless told otherwise. */
export const allResourcePermissions = (resourcesModule.permissions ?? []).map((permission) => permission.name);

/** Every resource permission but one: the caller a 403 test needs. */
export function allPermissionsBut(permission: string): string[] {
  return allResourcePermissions.filter((name) => name !== permission);
}

/** The app with the test principals module, for the resources' tests. */
export function startResourceTestApp(): Promise<TestApp> {
  return startTestApp({ modules: [testPrincipalsModule] });
}

/** Requests into one tenant as a caller holding `permissions` (every resource permission by default). */
export function as(app: Express, tenant: string, permissions: readonly string[] = allResourcePermissions) {
  const headers = {
    'x-tenant-id': tenant,
    [TEST_SUBJECT_HEADER]: `tester-${tenant}`,
    [TEST_PERMISSIONS_HEADER]: permissions.join(','),
  };
  return {
    get: (path: string) => request(app).get(path).set(headers),
    post: (path: string, body: object) => request(app).post(path).set(headers).send(body),
    patch: (path: string, body: object) => request(app).patch(path).set(headers).send(body),
    delete: (path: string) => request(app).delete(path).set(headers),
  };
}

export type Caller = ReturnType<typeof as>;

/** A value no other test uses, for fields that must be unique. */
export function unique(prefix: string, maxLength = 64): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`.slice(-maxLength);
}
