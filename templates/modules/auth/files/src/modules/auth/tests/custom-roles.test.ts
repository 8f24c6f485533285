import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, type AppModule } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { User } from '../entities/user.entity.js';
import {
  addMember,
  bearer,
  login,
  registerOwner,
  startAuthTestApp,
  uniqueEmail,
  type Account,
  totpNow,
} from '../testing/auth-helpers.js';

/** A module with permissions a tenant can hand out through roles of its own. */
const invoicesModule: AppModule = {
  name: 'test_invoices',
  permissions: [
    { name: 'invoices:read', description: 'Read invoices' },
    { name: 'invoices:approve', description: 'Approve invoices' },
    { name: 'invoices:delete', description: 'Delete invoices' },
  ],
  setup: () => ({
    routes: (['read', 'approve', 'delete'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/test-invoices/${action}`,
        summary: `${action} invoices`,
        permission: `invoices:${action}`,
        responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } },
        handler: () => ({ ok: true }),
      }),
    ),
  }),
};

let t: TestApp;
let owner: Account;
let admin: Account;
let member: Account;
beforeAll(async () => {
  t = await startAuthTestApp({ modules: [invoicesModule] });
  owner = await registerOwner(t);
  admin = await addMember(t, owner, 'admin');
  member = await addMember(t, owner, 'member');
});
afterAll(async () => {
  await t.close();
});

const createRole = (as: Account, body: object) =>
  request(t.app).post('/auth/roles').set(bearer(as.accessToken)).send(body);
const call = (as: Account, action: string) =>
  request(t.app).post(`/test-invoices/${action}`).set(bearer(as.accessToken)).send({});

describe('roles a tenant defines for itself', () => {
  it('when the owner defines a role, then its holders may do exactly what it grants', async () => {
    const created = await createRole(owner, {
      name: 'approver',
      description: 'Approves invoices',
      permissions: ['invoices:read', 'invoices:approve'],
    }).expect(201);
    expect(created.body).toMatchObject({
      name: 'approver',
      builtIn: false,
      permissions: ['auth:basic', 'auth:session', 'invoices:read', 'invoices:approve'],
    });
    const approver = await addMember(t, owner, 'approver');
    await call(approver, 'read').expect(200);
    await call(approver, 'approve').expect(200);
    await call(approver, 'delete').expect(403);
    await request(t.app).get('/auth/users').set(bearer(approver.accessToken)).expect(403);
    const roles = await request(t.app).get('/auth/roles').set(bearer(admin.accessToken)).expect(200);
    const names = (roles.body as { items: { name: string }[] }).items.map((role) => role.name);
    expect(names).toEqual(['member', 'admin', 'owner', 'approver']);
  });

  it('when a role names a built-in or an undeclared permission, then 422; a taken name, then 409', async () => {
    await createRole(owner, { name: 'admin', permissions: [] }).expect(422);
    await createRole(owner, { name: 'mystery', permissions: ['invoices:launder'] }).expect(422);
    await createRole(owner, { name: 'Bad Name!', permissions: [] }).expect(422);
    await createRole(owner, { name: 'twice', permissions: [] }).expect(201);
    await createRole(owner, { name: 'twice', permissions: [] }).expect(409);
  });

  it('when a holder of a tenant’s own role enrols a second factor, then the MFA-verified token keeps the role', async () => {
    await createRole(owner, { name: 'mfa-reader', permissions: ['invoices:read'] }).expect(201);
    const reader = await addMember(t, owner, 'mfa-reader');
    const setup = await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(reader.accessToken))
      .send({ password: reader.password });
    const secret = (setup.body as { secret: string }).secret;
    const confirm = await request(t.app)
      .post('/auth/mfa/totp/confirm')
      .set(bearer(reader.accessToken))
      .send({ code: await totpNow(secret) })
      .expect(200);
    await call({ ...reader, accessToken: (confirm.body as { accessToken: string }).accessToken }, 'read').expect(200);
  });

  it('when a member defines a role, then 403', async () => {
    await createRole(member, { name: 'sneaky', permissions: ['invoices:read'] }).expect(403);
  });

  it('when a role manager grants a permission they do not hold, by defining, changing or handing out a role, then 403', async () => {
    await createRole(owner, {
      name: 'deputy',
      permissions: ['auth:users:invite', 'auth:users:manage', 'auth:roles:manage', 'invoices:read'],
    }).expect(201);
    await createRole(owner, { name: 'deleter', permissions: ['invoices:read', 'invoices:delete'] }).expect(201);
    const deputy = await addMember(t, owner, 'deputy');
    // Defining: a role with more than the deputy holds.
    await createRole(deputy, { name: 'escalate', permissions: ['invoices:delete'] }).expect(403);
    // Changing: a role the deputy could hold, widened.
    await createRole(deputy, { name: 'reader', permissions: ['invoices:read'] }).expect(201);
    await request(t.app)
      .patch('/auth/roles/reader')
      .set(bearer(deputy.accessToken))
      .send({ permissions: ['invoices:read', 'invoices:delete'] })
      .expect(403);
    // Handing out: an invitation or a role change to a role that holds more.
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(deputy.accessToken))
      .send({ email: uniqueEmail(), role: 'deleter' })
      .expect(403);
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(deputy.accessToken))
      .send({ email: uniqueEmail(), role: 'admin' })
      .expect(403);
    const memberId = (await t.dataSource.getRepository(User).findOneByOrFail({ email: member.email })).id;
    await request(t.app)
      .patch(`/auth/users/${memberId}`)
      .set(bearer(deputy.accessToken))
      .send({ role: 'deleter' })
      .expect(403);
    // Nor may they give themselves more: a token claiming permissions without the signature to back them.
    const [header, payload = '', signature] = deputy.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { perms: string[] };
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, perms: [...claims.perms, 'invoices:delete'] })).toString('base64url'),
      signature,
    ].join('.');
    await request(t.app).post('/test-invoices/delete').set(bearer(forged)).send({}).expect(401);
  });

  it('when a role’s permissions change, then its holders’ tokens stop and the next login carries the new ones', async () => {
    await createRole(owner, { name: 'clerk', permissions: ['invoices:read'] }).expect(201);
    const clerk = await addMember(t, owner, 'clerk');
    await call(clerk, 'approve').expect(403);
    await request(t.app)
      .patch('/auth/roles/clerk')
      .set(bearer(owner.accessToken))
      .send({ permissions: ['invoices:read', 'invoices:approve'] })
      .expect(200);
    await call(clerk, 'read').expect(401);
    const again = (await login(t, clerk).expect(200)).body as { accessToken: string };
    await call({ ...clerk, accessToken: again.accessToken }, 'approve').expect(200);
  });

  it('when a role is held, then it cannot be deleted; once nobody holds it, it can, and its name no longer grants anything', async () => {
    await createRole(owner, { name: 'temp', permissions: ['invoices:read'] }).expect(201);
    const temp = await addMember(t, owner, 'temp');
    await request(t.app).delete('/auth/roles/temp').set(bearer(owner.accessToken)).expect(409);
    const tempId = (await t.dataSource.getRepository(User).findOneByOrFail({ email: temp.email })).id;
    await request(t.app)
      .patch(`/auth/users/${tempId}`)
      .set(bearer(owner.accessToken))
      .send({ role: 'member' })
      .expect(200);
    await request(t.app).delete('/auth/roles/temp').set(bearer(owner.accessToken)).expect(204);
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: uniqueEmail(), role: 'temp' })
      .expect(422);
    await request(t.app).delete('/auth/roles/owner').set(bearer(owner.accessToken)).expect(403);
  });

  it('when another tenant has a role of the same name, then neither tenant sees or grants the other’s', async () => {
    const other = await registerOwner(t);
    await createRole(other, {
      name: 'auditor',
      permissions: ['invoices:read', 'invoices:approve', 'invoices:delete'],
    }).expect(201);
    const ours = await request(t.app).get('/auth/roles').set(bearer(owner.accessToken)).expect(200);
    expect((ours.body as { items: { name: string }[] }).items.some((role) => role.name === 'auditor')).toBe(false);
    await request(t.app)
      .post('/auth/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: uniqueEmail(), role: 'auditor' })
      .expect(422);
    await request(t.app)
      .patch('/auth/roles/auditor')
      .set(bearer(owner.accessToken))
      .send({ permissions: [] })
      .expect(404);
    await request(t.app).delete('/auth/roles/auditor').set(bearer(owner.accessToken)).expect(404);
  });
});
