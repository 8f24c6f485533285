import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../core/index.js';
import { clientMetaOf, Email, Password, problem, tags, TenantId, Token } from '../http.js';
import { loginTenant } from '../passport.js';
import type { AuthRuntime } from '../runtime.js';

/** Password and email. */
export function credentialRoutes(runtime: AuthRuntime): RouteDefinition[] {
  const { credentials } = runtime.services;
  const { claims } = runtime;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/password',
      summary: 'Change the password (asks for the current one); every other session ends',
      tags,
      permission: 'auth:session',
      request: { body: z.object({ currentPassword: Password, newPassword: Password }) },
      status: 204,
      responses: {
        204: { description: 'Changed' },
        403: problem('Current password wrong'),
        422: problem('New password refused by the policy'),
      },
      handler: ({ body }, { req }) => credentials.changePassword(claims.of(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password/forgot',
      public: true,
      summary: 'Email a password-reset link (same answer whether the account exists or not)',
      tags,
      request: { body: z.object({ email: Email, tenant: TenantId.optional() }) },
      status: 202,
      responses: { 202: { description: 'If the account exists, a link is on its way' } },
      handler: ({ body }, { req }) =>
        credentials.forgotPassword({ email: body.email, tenantId: loginTenant(body.tenant) }, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password/reset',
      public: true,
      summary: 'Set a new password with an emailed link; every session ends, and it does not log in',
      tags,
      request: { body: z.object({ token: Token, newPassword: Password }) },
      status: 204,
      responses: {
        204: { description: 'Password set' },
        400: problem('Invalid, used or expired link'),
        422: problem('Password refused by the policy'),
      },
      handler: ({ body }, { req }) => credentials.resetPassword(body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/verify',
      public: true,
      summary: 'Confirm the email address with an emailed link',
      tags,
      request: { body: z.object({ token: Token }) },
      status: 204,
      responses: { 204: { description: 'Verified' }, 400: problem('Invalid, used or expired link') },
      handler: ({ body }, { req }) => credentials.verifyEmail(body.token, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/change',
      summary:
        'Change the sign-in address (asks for the password): a link goes to the new address, a notice to the old one',
      tags,
      permission: 'auth:session',
      request: { body: z.object({ password: Password, newEmail: Email }) },
      status: 202,
      responses: {
        202: { description: 'Link sent to the new address' },
        403: problem('Password wrong'),
        422: problem('Same address'),
      },
      handler: ({ body }, { req }) => credentials.requestEmailChange(claims.of(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/change/confirm',
      public: true,
      summary: 'Move the account to the new address with the emailed link; every session ends',
      tags,
      request: { body: z.object({ token: Token }) },
      status: 204,
      responses: {
        204: { description: 'Changed' },
        400: problem('Invalid, used or expired link'),
        409: problem('Address taken in the organisation'),
      },
      handler: ({ body }, { req }) => credentials.confirmEmailChange(body.token, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/verification',
      summary: 'Send the verification link again',
      tags,
      permission: 'auth:session',
      status: 202,
      responses: { 202: { description: 'Sent unless already verified' } },
      handler: (_input, { req }) => credentials.resendVerification(claims.of(req)),
    }),
  ];
}
