import { z } from 'zod';
import { defineRoute, ValidationError, type RouteDefinition } from '../../core/index.js';
import {
  clientMetaOf,
  Code,
  FactorMethod,
  Password,
  problem,
  tags,
  TokenResponse,
  type TokenTransport,
} from '../http.js';
import type { CodeChannel } from '../one-time-codes.js';
import type { AuthRuntime } from '../runtime.js';

const MfaToken = z.string().min(1).max(4096);
/** E.164: a plus, a country code, at most 15 digits in all. */
const Phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'An E.164 number, e.g. +15551234567')
  .meta({ maxLength: 16 });
const CodeSentResponse = z.object({ sentTo: z.string().describe('The masked address or number the code went to') });
const FactorConfirmedResponse = z.object({
  recoveryCodes: z
    .array(z.string())
    .optional()
    .describe('Ten single-use codes, shown once, when this is the first factor of the account'),
  accessToken: z.string().describe('This session, now MFA-verified'),
  expiresIn: z.number().int(),
});
const PasswordBody = z.object({ password: Password });
const CodeBody = z.object({ code: Code });

interface CodeChannelRoutes {
  name: string;
  setup: string;
  confirm: string;
  /** The setup body: the password, and for SMS the number to send codes to. */
  body: z.ZodType<{ password: string; phone?: string | undefined }>;
}

/** What differs between the two factors that send codes: what the code goes to, and the words. */
const CODE_CHANNELS: Record<CodeChannel, CodeChannelRoutes> = {
  email: {
    name: 'email codes',
    setup: 'Start email codes as a second factor (asks for the password): a code goes to the account address',
    confirm: 'Confirm email codes with the code just sent',
    body: PasswordBody,
  },
  sms: {
    name: 'SMS codes',
    setup:
      'Start SMS codes as a second factor, or change the number (asks for the password): a code goes to the number',
    confirm: 'Confirm the number with the code just sent; it replaces an earlier number',
    body: PasswordBody.extend({ phone: Phone }),
  },
};

/** MFA: the second login step, and enrolling and removing factors. */
export function mfaRoutes(runtime: AuthRuntime, transport: TokenTransport): RouteDefinition[] {
  const { mfa } = runtime.services;
  const { claims } = runtime;

  /** POST /auth/mfa/<channel>/setup and /confirm, one definition for email and SMS. */
  const codeFactorRoutes = (channel: CodeChannel): RouteDefinition[] => {
    const words = CODE_CHANNELS[channel];
    return [
      defineRoute({
        method: 'post',
        path: `/auth/mfa/${channel}/setup`,
        summary: words.setup,
        tags,
        permission: 'auth:basic',
        request: { body: words.body },
        status: 202,
        responses: {
          202: { description: 'Code sent; confirm it', schema: CodeSentResponse },
          403: problem(`Password wrong, or ${words.name} not offered`),
          429: problem('Too many codes sent'),
        },
        handler: ({ body }, { req }) =>
          mfa.setupCodeFactor(claims.of(req), { password: body.password, method: channel, phone: body.phone }),
      }),
      defineRoute({
        method: 'post',
        path: `/auth/mfa/${channel}/confirm`,
        summary: words.confirm,
        tags,
        permission: 'auth:basic',
        request: { body: CodeBody },
        responses: {
          200: { description: 'Enrolled', schema: FactorConfirmedResponse },
          401: problem('Wrong or expired code'),
        },
        handler: ({ body }, { req }) => mfa.confirmCodeFactor(claims.of(req), channel, body.code, clientMetaOf(req)),
      }),
    ];
  };

  return [
    defineRoute({
      method: 'post',
      path: '/auth/mfa/verify',
      public: true,
      summary: 'Second login step: a TOTP, email, SMS or recovery code for the challenge of the password step',
      description:
        'Five wrong codes end the challenge; every code works once. `method` defaults to totp; `recoveryCode` ' +
        'alone answers with a recovery code.',
      tags,
      request: {
        body: z.object({
          mfaToken: MfaToken,
          method: FactorMethod.optional(),
          code: Code.optional(),
          recoveryCode: z.string().min(1).max(64).optional(),
        }),
      },
      responses: {
        200: { description: 'Logged in', schema: TokenResponse },
        401: problem('Wrong, reused or expired code'),
        429: problem('Challenge ended after five wrong codes'),
      },
      handler: async ({ body }, { req, res }) => {
        const answer =
          body.recoveryCode === undefined
            ? { method: body.method ?? 'totp', code: body.code }
            : { method: 'recovery_code' as const, code: body.recoveryCode };
        if (answer.code === undefined) {
          throw new ValidationError([{ in: 'body', path: 'code', message: 'Send a code, or a recoveryCode.' }]);
        }
        const input = { mfaToken: body.mfaToken, method: answer.method, code: answer.code };
        return transport.deliver(await mfa.verify(input, clientMetaOf(req)), req, res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/challenge',
      public: true,
      summary: 'Send an email or SMS code for the challenge of the password step',
      description:
        'The code expires within 10 minutes and answers this challenge only; a new send replaces the previous ' +
        'code. Sends are limited per challenge and per account.',
      tags,
      request: { body: z.object({ mfaToken: MfaToken, method: z.enum(['email', 'sms']) }) },
      status: 202,
      responses: {
        202: { description: 'Sent', schema: CodeSentResponse },
        401: problem('Invalid or expired challenge'),
        409: problem('No such factor on the account'),
        429: problem('Too many codes sent'),
      },
      handler: ({ body }, { req }) => mfa.sendLoginCode(body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/mfa',
      summary: 'The second factors of the account',
      tags,
      permission: 'auth:basic',
      responses: {
        200: {
          description: 'Confirmed factors',
          schema: z.array(
            z.object({ method: FactorMethod, destination: z.string().nullable(), confirmedAt: z.string() }),
          ),
        },
      },
      handler: (_input, { req }) => mfa.factors(claims.of(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/totp/setup',
      summary: 'Start TOTP enrolment (asks for the password): secret, otpauth URI and QR code',
      tags,
      permission: 'auth:basic',
      request: { body: PasswordBody },
      responses: {
        200: {
          description: 'Scan the QR code, then confirm with a code',
          schema: z.object({ secret: z.string(), otpauthUri: z.string(), qrCode: z.string().describe('PNG data URL') }),
        },
        403: problem('Password wrong'),
        409: problem('Already enrolled'),
      },
      handler: ({ body }, { req }) => mfa.setupTotp(claims.of(req), body.password),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/totp/confirm',
      summary:
        'Confirm TOTP with a first code; returns an MFA-verified access token (and recovery codes for a first factor)',
      tags,
      permission: 'auth:basic',
      request: { body: CodeBody },
      responses: { 200: { description: 'Enrolled', schema: FactorConfirmedResponse }, 401: problem('Wrong code') },
      handler: ({ body }, { req }) => mfa.confirmTotp(claims.of(req), body.code, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/step-up',
      summary: 'Prove the second factor again (a current TOTP code) before a sensitive act',
      description:
        'Returns an access token of the same session whose `mfa_at` is now: routes that ask for a recent second factor (e.g. admin’s sensitive acts) accept it for five minutes. A code is accepted once.',
      tags,
      permission: 'auth:basic',
      request: { body: CodeBody },
      responses: {
        200: {
          description: 'This session, its second factor just proven',
          schema: z.object({ accessToken: z.string(), expiresIn: z.number().int() }),
        },
        401: problem('Wrong or already used code, or no TOTP enrolled'),
        429: problem('Too many wrong codes in this session'),
      },
      handler: ({ body }, { req }) => mfa.stepUp(claims.of(req), body.code, clientMetaOf(req)),
    }),
    ...codeFactorRoutes('email'),
    ...codeFactorRoutes('sms'),
    defineRoute({
      method: 'delete',
      path: '/auth/mfa/:method',
      summary: 'Remove a second factor (asks for the password); with none left, the recovery codes go too',
      tags,
      permission: 'auth:session',
      request: { params: z.object({ method: FactorMethod }), body: PasswordBody },
      status: 204,
      responses: { 204: { description: 'Removed' }, 403: problem('Password wrong') },
      handler: ({ params, body }, { req }) =>
        mfa.remove(claims.of(req), params.method, body.password, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/recovery-codes',
      summary: 'Replace the recovery codes with ten new ones (asks for the password)',
      tags,
      permission: 'auth:session',
      request: { body: PasswordBody },
      responses: {
        200: {
          description: 'New codes; the old ones stop working',
          schema: z.object({ recoveryCodes: z.array(z.string()) }),
        },
        403: problem('Password wrong'),
      },
      handler: ({ body }, { req }) => mfa.newRecoveryCodes(claims.of(req), body.password),
    }),
  ];
}
