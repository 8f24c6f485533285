import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface FakeUser {
  subject: string;
  email: string;
  emailVerified: boolean;
}

export interface FakeOAuth {
  /** OpenID Connect issuer (discovery at /.well-known/openid-configuration); also GitHub's web and API base. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who "signs in" at the next authorization request. */
  user: FakeUser;
  /** Sign the next ID tokens with this nonce instead of the one requested (a replayed token). */
  forgedNonce: string | undefined;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: FakeUser;
}

/**
 * A provider's stand-in on loopback: an OpenID Connect issuer (discovery, JWKS, authorize, token, userinfo) that
 * also answers GitHub's OAuth and REST endpoints. It checks what a real provider checks: the client's secret,
 * the redirect URI, the PKCE verifier, single-use codes.
 */
export async function startFakeOAuth(): Promise<FakeOAuth> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, FakeUser>();
  const fake: FakeOAuth = {
    url: '',
    clientId: 'forge-test-client',
    clientSecret: randomBytes(16).toString('hex'),
    user: { subject: 'user-1', email: 'someone@example.test', emailVerified: true },
    forgedNonce: undefined,
    close: () => Promise.resolve(),
  };

  const idToken = (grant: Grant) =>
    new SignJWT({
      email: grant.user.email,
      email_verified: grant.user.emailVerified,
      ...(grant.nonce === undefined && fake.forgedNonce === undefined
        ? {}
        : { nonce: fake.forgedNonce ?? grant.nonce }),
    })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(fake.url)
      .setAudience(grant.clientId)
      .setSubject(grant.user.subject)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        res.writeHead(500).end();
      });
    });
  });

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', fake.url);
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        json(res, 200, {
          issuer: fake.url,
          authorization_endpoint: `${fake.url}/authorize`,
          token_endpoint: `${fake.url}/token`,
          userinfo_endpoint: `${fake.url}/userinfo`,
          jwks_uri: `${fake.url}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        });
        return;
      case '/jwks':
        json(res, 200, { keys: [jwk] });
        return;
      case '/authorize':
      case '/login/oauth/authorize': {
        // The person approves at once; the provider sends them back with a code and the state untouched.
        const q = url.searchParams;
        if (
          q.get('client_id') !== fake.clientId ||
          q.get('code_challenge_method') !== 'S256' ||
          q.get('code_challenge') === null
        ) {
          json(res, 400, { error: 'invalid_request' });
          return;
        }
        const code = randomBytes(16).toString('hex');
        grants.set(code, {
          clientId: fake.clientId,
          redirectUri: q.get('redirect_uri') ?? '',
          challenge: q.get('code_challenge') ?? '',
          nonce: q.get('nonce') ?? undefined,
          user: { ...fake.user },
        });
        const back = new URL(q.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        if (q.get('state') !== null) back.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      case '/token':
      case '/login/oauth/access_token': {
        const form = new URLSearchParams(body);
        const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const [basicId, basicSecret] =
          basic === undefined ? [] : Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
        const clientId = form.get('client_id') ?? basicId;
        const clientSecret = form.get('client_secret') ?? basicSecret;
        const grant = grants.get(form.get('code') ?? '');
        grants.delete(form.get('code') ?? '');
        if (clientId !== fake.clientId || clientSecret !== fake.clientSecret) {
          json(res, 401, { error: 'invalid_client' });
          return;
        }
        const verifier = form.get('code_verifier') ?? '';
        const proof = createHash('sha256').update(verifier).digest('base64url');
        if (grant === undefined || grant.redirectUri !== form.get('redirect_uri') || proof !== grant.challenge) {
          json(res, 400, { error: 'invalid_grant' });
          return;
        }
        const accessToken = randomBytes(16).toString('hex');
        accessTokens.set(accessToken, grant.user);
        const github = url.pathname.startsWith('/login/');
        json(res, 200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'openid email',
          ...(github ? {} : { id_token: await idToken(grant) }),
        });
        return;
      }
      case '/userinfo':
      case '/user':
      case '/user/emails': {
        const user = accessTokens.get(bearer ?? '');
        if (user === undefined) {
          json(res, 401, { message: 'Bad credentials' });
          return;
        }
        if (url.pathname === '/userinfo')
          json(res, 200, { sub: user.subject, email: user.email, email_verified: user.emailVerified });
        else if (url.pathname === '/user')
          json(res, 200, { id: Number(user.subject.replace(/\D/g, '') || '1'), login: 'octocat' });
        else
          json(res, 200, [
            { email: `old-${user.email}`, primary: false, verified: true },
            { email: user.email, primary: true, verified: user.emailVerified },
          ]);
        return;
      }
      default:
        json(res, 404, { error: 'not_found' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return fake;
}
