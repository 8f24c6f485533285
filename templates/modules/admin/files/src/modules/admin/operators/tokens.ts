import { errors, jwtVerify, SignJWT } from 'jose';
import { deriveKey, randomToken } from '../../core/index.js';

/** Operator access tokens live this long; signing in again (password and TOTP) is the only way to get another. */
export const OPERATOR_TOKEN_SECONDS = 900;
const TYP = 'op+jwt';

export interface OperatorClaims {
  /** Operator id. */
  sub: string;
  /** When the operator passed password and TOTP, epoch seconds (the token's `iat`). */
  iat: number;
}

/**
 * Tokens of platform operators: their own key (derived for this purpose alone), their own audience and their own
 * `typ`, so auth's verifier refuses them and this one refuses auth's access tokens, whichever way either is sent.
 */
export class OperatorTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly issuer: string,
    readonly audience: string,
  ) {
    this.key = new Uint8Array(deriveKey(secret, 'admin-operator-jwt'));
  }

  sign(operatorId: string, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: TYP })
      .setSubject(operatorId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + OPERATOR_TOKEN_SECONDS)
      .setJti(randomToken(12))
      .sign(this.key);
  }

  /** The claims of a token signed by this key for operators and still valid; undefined for anything else. */
  async verify(token: string): Promise<OperatorClaims | undefined> {
    if (token.length > 4096) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.audience,
        typ: TYP,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      const { sub, iat } = payload;
      return typeof sub === 'string' && typeof iat === 'number' ? { sub, iat } : undefined;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}
