import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import {
  auditRequestOf,
  decodeCursor,
  encodeCursor,
  HttpError,
  Tenant,
  type Audit,
  type Limiter,
  type Page,
  type PageRequest,
} from '../../core/index.js';
import type { OperatorStore } from './store.js';
import { OPERATOR_TOKEN_SECONDS, type OperatorTokens } from './tokens.js';

/** The caller of an operator route: a platform operator, in no tenant. */
export interface OperatorCaller {
  operatorId: string;
  /** When they passed password and TOTP, epoch milliseconds. */
  signedInAt: number;
}

export interface TenantView {
  id: string;
  name: string;
  active: boolean;
  createdAt: string;
}

const challenge = 'Bearer realm="operators", error="invalid_token"';
const unauthenticated = () =>
  new HttpError(401, {
    detail: 'An operator access token (POST /operators/login) is required.',
    headers: { 'WWW-Authenticate': challenge },
  });
const signInFailed = () =>
  new HttpError(401, {
    title: 'Sign-in failed',
    detail: 'The email, password or code is wrong, or the code was used.',
  });

/** Platform operators: sign-in (password and TOTP at once), the guard of their routes, and what they may see. */
export class OperatorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OperatorStore,
    private readonly tokens: OperatorTokens,
    /** Attempts per address, shared by replicas; refuses while Redis is down rather than count per replica. */
    private readonly attempts: Limiter,
    private readonly audit: Audit,
  ) {}

  async signIn(
    input: { email: string; password: string; code: string },
    req: Request,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    await this.consumeAttempt(input.email.trim().toLowerCase());
    const operator = await this.store.signIn(input.email, input.password, input.code);
    const facts = { tenantId: null, ...auditRequestOf(req) };
    if (operator === undefined) {
      await this.audit.record({ action: 'admin.operator.sign_in', outcome: 'denied', actor: null, ...facts });
      throw signInFailed();
    }
    const actor = { type: 'operator' as const, id: operator.id };
    await this.audit.record({ action: 'admin.operator.sign_in', outcome: 'success', actor, ...facts });
    return { accessToken: await this.tokens.sign(operator.id), tokenType: 'Bearer', expiresIn: OPERATOR_TOKEN_SECONDS };
  }

  /** The operator a request's bearer token names, if it is an operator token and the operator still exists; else 401. */
  async callerOf(req: Request): Promise<OperatorCaller> {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
    const claims = match?.[1] === undefined ? undefined : await this.tokens.verify(match[1]);
    if (claims === undefined || (await this.store.byId(claims.sub)) === null) throw unauthenticated();
    return { operatorId: claims.sub, signedInAt: claims.iat * 1000 };
  }

  /** Every tenant of the platform, by id, keyset-paginated. */
  async tenants(page: PageRequest): Promise<Page<TenantView>> {
    const scope = { list: 'admin.platform.tenants', tenantId: '_platform' };
    const after = decodeCursor(page.cursor, { ...scope, valueType: 'string' });
    const query = this.dataSource.getRepository(Tenant).createQueryBuilder('tenant');
    if (after !== undefined) query.where('tenant.id > :after', { after: after.value });
    const rows = await query
      .orderBy('tenant.id', 'ASC')
      .take(page.limit + 1)
      .getMany();
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > page.limit && last !== undefined ? encodeCursor(scope, { value: last.id, id: last.id }) : null;
    return {
      items: items.map((t) => ({ id: t.id, name: t.name, active: t.active, createdAt: t.createdAt.toISOString() })),
      nextCursor,
    };
  }

  private async consumeAttempt(key: string): Promise<void> {
    try {
      await this.attempts.backend.consume(key.slice(0, 254));
    } catch (error) {
      if (error instanceof Error) {
        throw new HttpError(503, {
          detail: 'Sign-in is unavailable; try again shortly.',
          headers: { 'Retry-After': '30' },
        });
      }
      const seconds = Math.ceil(((error as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000);
      throw new HttpError(429, {
        detail: 'Too many sign-in attempts for this address; wait and try again.',
        headers: { 'Retry-After': String(seconds) },
      });
    }
  }
}
