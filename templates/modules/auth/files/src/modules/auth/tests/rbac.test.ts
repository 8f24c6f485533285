import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import express from 'express';
import { currentTenantId, defineRoute, requirePermission, type AppModule } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { User } from '../entities/user.entity.js';
import { addMember, bearer, login, registerOwner, startAuthTestApp, type Account } from '../testing/auth-helpers.js';

/** A module like any other: it declares permissions and guards its routes with them. */
const reportsModule: AppModule = {
  name: 'test_reports',
  permissions: [
    { name: 'reports:list', description: 'List reports' },
    { name: 'reports:read', description: 'Read reports' },
    { name: 'reports:write', description: 'Write reports' },
  ],
  setup: (context) => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/test-reports',
        summary: 'Read reports',
        permission: 'reports:read',
        responses: { 200: { description: 'ok', schema: z.object({ tenant: z.string() }) } },
        handler: () => ({ tenant: currentTenantId() }),
      }),
      defineRoute({
        method: 'get',
        path: '/test-reports/all',
        summary: 'List reports',
        permission: 'reports:list',
        responses: { 200: { description: 'ok', schema: z.object({ tenant: z.string() }) } },
        handler: () => ({ tenant: currentTenantId() }),
      }),
      defineRoute({
        method: 'post',
        path: '/test-reports',
        summary: 'Write a report',
        permission: 'reports:write',
        status: 204,
        responses: { 204: { description: 'ok' } },
        handler: () => undefined,
      }),
    ],
    // A raw Express router, guarded with the middleware instead of a route permission.
    router: express.Router().delete('/test-reports/raw', requirePermission(context, 'reports:write'), (_req, res) => {
      res.status(204).end();
    }),
  }),
};

let t: TestApp;
let owner: Account;
let admin: Account;
let member: Account;
beforeAll(async () => {
  t = await startAuthTestApp({ modules: [reportsModule] });
  owner = await registerOwner(t);
  admin = await addMember(t, owner, 'admin');
  member = await addMember(t, owner, 'member');
});
afterAll(async () => {
  await t.close();
});

const idOf = async (account: Account) =>
  (await t.dataSource.getRepository(User).findOneByOrFail({ email: account.email })).id;

describe('requirePermission (route permission)', () => {
  it('when a member reads, then it is allowed; when a member writes, then 403', async () => {
    await request(t.app)
      .get('/test-reports')
      .set(bearer(member.accessToken))
      .set('x-tenant-id', member.tenantId)
      .expect(200);
    await request(t.app).post('/test-reports').set(bearer(member.accessToken)).expect(403);
    await request(t.app).post('/test-reports').set(bearer(admin.accessToken)).expect(204);
  });

  it('when a member lists (a `…:list` permission), then it is allowed', async () => {
    for (const account of [member, admin]) {
      await request(t.app)
        .get('/test-reports/all')
        .set(bearer(account.accessToken))
        .set('x-tenant-id', account.tenantId)
        .expect(200);
    }
  });

  it('when a raw router uses requirePermission, then it answers 401 without a token, 403 to a member and lets an admin through', async () => {
    await request(t.app).delete('/test-reports/raw').expect(401);
    await request(t.app).delete('/test-reports/raw').set(bearer(member.accessToken)).expect(403);
    await request(t.app).delete('/test-reports/raw').set(bearer(admin.accessToken)).expect(204);
  });

  it('when no token is sent, then a guarded route answers 401', async () => {
    await request(t.app).post('/test-reports').expect(401);
  });

  it("when a user names another tenant in the header, then they are refused (no acting outside one's tenant)", async () => {
    const outsider = await registerOwner(t);
    await request(t.app)
      .get('/test-reports')
      .set(bearer(outsider.accessToken))
      .set('x-tenant-id', owner.tenantId)
      .expect(403);
    await request(t.app)
      .get('/auth/users')
      .set(bearer(outsider.accessToken))
      .set('x-tenant-id', owner.tenantId)
      .expect(403);
  });
});

describe('GET /auth/users', () => {
  it('when an admin lists, then only the tenant’s own accounts come back', async () => {
    const outsider = await registerOwner(t);
    const response = await request(t.app).get('/auth/users').set(bearer(admin.accessToken)).expect(200);
    const emails = (response.body as { items: { email: string }[] }).items.map((user) => user.email);
    expect(emails).toEqual(expect.arrayContaining([owner.email, admin.email, member.email]));
    expect(emails).not.toContain(outsider.email);
  });

  it('when a member lists, then 403', async () => {
    await request(t.app).get('/auth/users').set(bearer(member.accessToken)).expect(403);
  });
});

describe('POST /auth/invitations', () => {
  it('when an admin invites an owner (above their own role), then 403', async () => {
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(admin.accessToken))
      .send({ email: 'x@example.test', role: 'owner' })
      .expect(403);
  });

  it('when a member invites anyone, then 403', async () => {
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(member.accessToken))
      .send({ email: 'x@example.test', role: 'member' })
      .expect(403);
  });

  it('when the owner invites an admin, then the invitation is sent', async () => {
    const response = await request(t.app)
      .post('/auth/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: 'new-admin@example.test', role: 'admin' })
      .expect(201);
    expect(response.body).toMatchObject({ role: 'admin' });
  });
});

describe('PATCH /auth/users/:id', () => {
  it('when an admin promotes a member to owner, then 403 (no granting above one’s own role)', async () => {
    const target = await addMember(t, owner);
    await request(t.app)
      .patch(`/auth/users/${await idOf(target)}`)
      .set(bearer(admin.accessToken))
      .send({ role: 'owner' })
      .expect(403);
  });

  it('when an admin demotes or disables the owner, then 403', async () => {
    await request(t.app)
      .patch(`/auth/users/${await idOf(owner)}`)
      .set(bearer(admin.accessToken))
      .send({ role: 'member' })
      .expect(403);
    await request(t.app)
      .patch(`/auth/users/${await idOf(owner)}`)
      .set(bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(403);
  });

  it('when a user promotes themself, then 403', async () => {
    await request(t.app)
      .patch(`/auth/users/${await idOf(admin)}`)
      .set(bearer(admin.accessToken))
      .send({ role: 'owner' })
      .expect(403);
    await request(t.app)
      .patch(`/auth/users/${await idOf(member)}`)
      .set(bearer(member.accessToken))
      .send({ role: 'admin' })
      .expect(403);
  });

  it("when an owner changes another tenant's user by id, then 404 and nothing changes", async () => {
    const outsider = await registerOwner(t);
    await request(t.app)
      .patch(`/auth/users/${await idOf(member)}`)
      .set(bearer(outsider.accessToken))
      .send({ role: 'admin', disabled: true })
      .expect(404);
    await request(t.app).get('/auth/me').set(bearer(member.accessToken)).expect(200);
  });

  it('when the owner promotes a member, then the role changes and the old tokens stop', async () => {
    const target = await addMember(t, owner);
    const response = await request(t.app)
      .patch(`/auth/users/${await idOf(target)}`)
      .set(bearer(owner.accessToken))
      .send({ role: 'admin' })
      .expect(200);
    expect(response.body).toMatchObject({ role: 'admin' });
    await request(t.app).get('/auth/me').set(bearer(target.accessToken)).expect(401);
    const fresh = (await login(t, target).expect(200)).body as { accessToken: string };
    await request(t.app).get('/auth/users').set(bearer(fresh.accessToken)).expect(200);
  });

  it('when an admin disables a member, then the member’s live tokens stop at once', async () => {
    const target = await addMember(t, owner);
    await request(t.app)
      .patch(`/auth/users/${await idOf(target)}`)
      .set(bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(200);
    await request(t.app).get('/auth/me').set(bearer(target.accessToken)).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: target.refreshToken }).expect(401);
  });
});

describe('POST /auth/users/:id/unlock', () => {
  it('when a member tries to unlock, then 403; when an admin does, then 204', async () => {
    const target = await addMember(t, owner);
    const id = await idOf(target);
    await request(t.app).post(`/auth/users/${id}/unlock`).set(bearer(member.accessToken)).expect(403);
    await request(t.app).post(`/auth/users/${id}/unlock`).set(bearer(admin.accessToken)).expect(204);
  });
});

describe('tenant from the token (core tenant_resolution: token)', () => {
  it('when the tenant comes from the token, then routes run in the caller’s tenant and a header changes nothing', async () => {
    const tokenMode = await startAuthTestApp({ core: { tenantResolution: 'token' }, modules: [reportsModule] });
    try {
      const a = await registerOwner(tokenMode);
      const b = await registerOwner(tokenMode);
      const response = await request(tokenMode.app)
        .get('/test-reports')
        .set(bearer(a.accessToken))
        .set('x-tenant-id', b.tenantId)
        .expect(200);
      expect(response.body).toEqual({ tenant: a.tenantId });
      await request(tokenMode.app).get('/test-reports').expect(401);
    } finally {
      await tokenMode.close();
    }
  });
});
