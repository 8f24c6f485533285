import { z } from 'zod';
import { auditRequestOf, PageQuery, pageRequestOf, pageSchema, type RouteDefinition } from '../../core/index.js';
import { adminRoute, problem } from '../guard.js';
import type { AuditFilter, AuditService } from './service.js';

const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');
const AuditFilterQuery = z.object({
  actor: Identifier.optional().describe('Id of the acting user'),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z0-9_.]+$/)
    .optional()
    .describe('Exact action, e.g. `auth.login.failed`'),
  targetType: Identifier.optional(),
  targetId: Identifier.optional(),
  requestId: Identifier.optional().describe('The X-Request-Id of the request that caused it'),
  from: z.iso.datetime().max(40).optional().describe('Records at or after this instant'),
  to: z.iso.datetime().max(40).optional().describe('Records before this instant'),
});
const AuditQuery = PageQuery.extend(AuditFilterQuery.shape);

/** The filter of a query, with its instants as dates. */
function filterOf(query: z.infer<typeof AuditFilterQuery>): AuditFilter {
  const { from, to, ...rest } = query;
  return {
    ...rest,
    ...(from === undefined ? {} : { from: new Date(from) }),
    ...(to === undefined ? {} : { to: new Date(to) }),
  };
}
const Actor = z.object({ type: z.string(), id: z.string(), impersonatorId: z.string().nullable() });
const AuditRecordResponse = z.object({
  id: z.string(),
  sequence: z.number().int(),
  at: z.string(),
  tenantId: z.string().nullable(),
  action: z.string(),
  outcome: z.string(),
  actor: Actor.nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  reason: z.string().nullable(),
  changes: z.unknown(),
  detail: z.unknown(),
  hash: z.string(),
});
const ChainReportResponse = z.object({
  chain: z.string(),
  records: z.number().int(),
  checkpointSequence: z.number().int().nullable(),
  ok: z.boolean(),
  firstBad: z
    .object({ sequence: z.number().int(), id: z.string().nullable(), problem: z.string() })
    .nullable()
    .describe('The first record that does not hold, and why'),
});
const CheckpointResponse = z.object({
  checkpoint: z
    .object({
      chain: z.string(),
      sequence: z.number().int(),
      headHash: z.string(),
      at: z.string(),
      signature: z.string(),
    })
    .nullable()
    .describe('Null when the chain has not grown since its last checkpoint'),
});

/** The audit trail of the caller's tenant: read, verify, checkpoint. */
export function auditRoutes(audit: AuditService): RouteDefinition[] {
  return [
    adminRoute({
      method: 'get',
      path: '/admin/audit/records',
      summary: 'The tenant’s audit records, newest first, filtered by actor, action, target, time or request id',
      tenant: 'required',
      request: { query: AuditQuery },
      responses: {
        200: { description: 'A page of records', schema: pageSchema(AuditRecordResponse) },
        400: problem('Bad limit or cursor'),
      },
      handler: ({ query }, caller) => {
        const { limit, cursor, ...filter } = query;
        return audit.list(caller, filterOf(filter), pageRequestOf({ limit, cursor }));
      },
    }),
    adminRoute({
      method: 'get',
      path: '/admin/audit/export',
      summary: 'Export the tenant’s filtered records as NDJSON, oldest first, with a signed manifest as the last line',
      description:
        'A sensitive act: needs a second factor less than five minutes old (POST /auth/mfa/step-up). The last line is `{"manifest":{chain,records,firstSequence,lastSequence,sha256,exportedAt},"signature":…}`: the SHA-256 of every line before it, signed (Ed25519, over the manifest’s RFC 8785 JSON) with the checkpoint key. The export is itself audited.',
      tenant: 'required',
      stepUp: true,
      request: { query: AuditFilterQuery },
      responses: { 200: { description: 'application/x-ndjson: one record per line, then the manifest' } },
      handler: async ({ query }, caller, { req, res }) => {
        res.status(200).type('application/x-ndjson');
        res.setHeader('Content-Disposition', `attachment; filename="audit-${caller.tenantId}.ndjson"`);
        await audit.export(caller, filterOf(query), res, auditRequestOf(req));
        res.end();
      },
    }),
    adminRoute({
      method: 'get',
      path: '/admin/audit/verify',
      summary: 'Walk the tenant’s chain against its latest signed checkpoint and name the first bad record',
      tenant: 'required',
      responses: {
        200: {
          description: 'The chain’s report; `ok` is false when it was tampered with',
          schema: ChainReportResponse,
        },
      },
      handler: (_input, caller) => audit.verify(caller),
    }),
    adminRoute({
      method: 'post',
      path: '/admin/audit/checkpoints',
      summary: 'Sign the tenant’s chain head now and write it to the checkpoint sink',
      tenant: 'required',
      status: 201,
      responses: { 201: { description: 'The checkpoint written', schema: CheckpointResponse } },
      handler: async (_input, caller) => ({ checkpoint: await audit.checkpoint(caller) }),
    }),
  ];
}
