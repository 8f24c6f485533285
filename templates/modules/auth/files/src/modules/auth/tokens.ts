import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { deriveKey, randomToken, TENANT_ID_PATTERN } from '../core/index.js';
import { isBuiltIn, ROLE_NAME_PATTERN } from './rbac.js';

/** The only algorithm accepted: `none`, RS256/ES256 (key confusion) and everything else are refused. */
const ALGORITHMS = ['HS256'];

/** How long the password step's MFA challenge stays open. */
export const CHALLENGE_SECONDS = 300;

export interface AccessClaims {
  /** User id. */
  sub: string;
  tenant: string;
  /** A built-in role (owner, admin, member) or one of the tenant's own. */
  role: string;
  /** The permissions of a tenant's own role, as they were when the token was signed (absent for built-ins). */
  perms?: string[];
  /** Session id. */
  sid: string;
  /** Whether the session passed a second factor (always false until MFA is enrolled). */
  mfa: boolean;
  /** When the session last passed a second factor, epoch ms (claim `mfa_at`): step-up checks how recent it is. */
  mfaAt?: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Issued at, epoch milliseconds (claim `iat_ms`): revocations "before T" compare with it, to the millisecond. */
  issuedAtMs: number;
  exp: number;
}

export interface TokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

/** `kid` is the first 8 bytes of the key's own hash: looked up in a fixed map, never used as a path or URL. */
export function signingKey(secret: string): SigningKey {
  const key = new Uint8Array(deriveKey(secret, 'auth-jwt'));
  return { kid: createHash('sha256').update(key).digest('base64url').slice(0, 11), key };
}

export class AccessTokens {
  private readonly current: SigningKey;
  private readonly byKid: ReadonlyMap<string, Uint8Array>;

  /** `secrets[0]` signs; every listed secret verifies (key rotation). */
  constructor(
    secrets: readonly string[],
    private readonly options: TokenOptions,
  ) {
    const keys = secrets.map(signingKey);
    const first = keys[0];
    if (first === undefined) throw new Error('AccessTokens needs at least one secret');
    this.current = first;
    this.byKid = new Map(keys.map((k) => [k.kid, k.key]));
  }

  sign(claims: Omit<AccessClaims, 'iat' | 'exp' | 'issuedAtMs'>, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    const perms = claims.perms === undefined ? {} : { perms: claims.perms };
    const { tenant, role, sid, mfa } = claims;
    const mfaAt = claims.mfaAt === undefined ? {} : { mfa_at: claims.mfaAt };
    return new SignJWT({ tenant, role, ...perms, sid, mfa, ...mfaAt, iat_ms: now })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: this.current.kid })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.ttlSeconds)
      .setJti(randomToken(12))
      .sign(this.current.key);
  }

  /** The token's claims, or undefined for anything not signed by us, for us, and still valid. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    if (token.length > 4096) return undefined;
    const cached = this.verified.get(token);
    if (cached !== undefined) {
      if (cached.exp * 1000 > Date.now()) return cached;
      this.verified.delete(token);
      return undefined;
    }
    const claims = await this.verifySignature(token);
    if (claims !== undefined) this.remember(token, claims);
    return claims;
  }

  /**
   * Tokens that already verified, byte for byte, until they expire: a client sends the same token many times,
   * and re-checking its HMAC each time is most of an authenticated request's cost. Revocation is still checked
   * on every request by the caller. Bounded; the oldest entries go first.
   */
  private readonly verified = new Map<string, AccessClaims>();

  private remember(token: string, claims: AccessClaims): void {
    if (this.verified.size >= 10_000) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
  }

  /**
   * The token of the password step when a second factor is due: typed `mfa+jwt`, so it is never an access token,
   * valid for 5 minutes, naming its challenge.
   */
  signChallenge(claims: { sub: string; tenant: string; cid: string }, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ tenant: claims.tenant, cid: claims.cid })
      .setProtectedHeader({ alg: 'HS256', typ: 'mfa+jwt', kid: this.current.kid })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + CHALLENGE_SECONDS)
      .sign(this.current.key);
  }

  async verifyChallenge(token: string): Promise<{ sub: string; tenant: string; cid: string } | undefined> {
    if (token.length > 4096) return undefined;
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: 'mfa+jwt',
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, tenant, cid } = payload as Record<string, unknown>;
      return typeof sub === 'string' && typeof tenant === 'string' && typeof cid === 'string'
        ? { sub, tenant, cid }
        : undefined;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }

  private async verifySignature(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      return claimsOf(payload);
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }

  private keyFor(header: JWTHeaderParameters): Uint8Array {
    // jku, x5u, jwk and x5c name keys elsewhere; a token that carries them is refused rather than followed.
    if ('jku' in header || 'x5u' in header || 'jwk' in header || 'x5c' in header)
      throw new errors.JWSInvalid('external key reference');
    const key = typeof header.kid === 'string' ? this.byKid.get(header.kid) : undefined;
    if (key === undefined) throw new errors.JWKSNoMatchingKey();
    return key;
  }
}

function claimsOf(payload: JWTPayload): AccessClaims | undefined {
  const {
    sub,
    tenant,
    role,
    perms,
    sid,
    mfa,
    iat,
    exp,
    iat_ms: iatMs,
    mfa_at: mfaAt,
  } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof tenant !== 'string' || typeof sid !== 'string') return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof role !== 'string') return undefined;
  // A token signed before `iat_ms` existed counts from the start of its second: revoked rather than spared.
  const issuedAtMs = typeof iatMs === 'number' && Number.isSafeInteger(iatMs) ? iatMs : iat * 1000;
  const secondFactorAt = mfa === true && typeof mfaAt === 'number' && Number.isSafeInteger(mfaAt) ? { mfaAt } : {};
  const common = { sub, tenant, role, sid, mfa: mfa === true, ...secondFactorAt, iat, exp, issuedAtMs };
  if (isBuiltIn(role)) return perms === undefined ? common : undefined;
  if (!ROLE_NAME_PATTERN.test(role) || !Array.isArray(perms)) return undefined;
  if (!perms.every((p): p is string => typeof p === 'string')) return undefined;
  return { ...common, perms };
}

/** SHA-256 of a high-entropy token, as stored: a database leak yields no usable token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A refresh token: `<tenant>.<session id>.<secret>`. The tenant scopes its lookup (so it works behind row-level
 * security), the session id lets CSRF bind to it without a lookup; only the secret is secret.
 */
export function newRefreshToken(tenantId: string, sessionId: string): string {
  return `${tenantId}.${sessionId}.${randomToken(32)}`;
}

export function parseRefreshToken(refreshToken: string): { tenantId: string; sessionId: string } | undefined {
  const [tenantId, sessionId, secret, ...rest] = refreshToken.split('.');
  if (rest.length > 0 || tenantId === undefined || sessionId === undefined || secret === undefined) return undefined;
  if (!TENANT_ID_PATTERN.test(tenantId) || !/^[0-9a-f-]{36}$/.test(sessionId)) return undefined;
  return { tenantId, sessionId };
}

export function sessionIdOf(refreshToken: string): string | undefined {
  return parseRefreshToken(refreshToken)?.sessionId;
}

/** An emailed link's token (reset, verification, invitation, email change): `<tenant>.<secret>`, for the same reason. */
export function newLinkToken(tenantId: string): string {
  return `${tenantId}.${randomToken(32)}`;
}

export function tenantOfLinkToken(token: string): string | undefined {
  const [tenantId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || tenantId === undefined || secret === undefined || !TENANT_ID_PATTERN.test(tenantId))
    return undefined;
  return tenantId;
}
