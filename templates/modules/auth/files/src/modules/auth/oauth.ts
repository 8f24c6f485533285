import * as oidc from 'openid-client';
import { HttpError } from '../core/index.js';
import type { OAuthProvider } from './entities/identity.entity.js';

export interface ProviderSettings {
  clientId: string;
  clientSecret: string;
  /** OpenID Connect issuer (google, oidc), or GitHub's web base (github). */
  server: string;
  /** GitHub's REST API base. */
  apiBase?: string;
}

/** What a provider vouches for about the person who signed in. */
export interface Profile {
  subject: string;
  email: string;
  emailVerified: boolean;
}

/** One login in flight, kept in an encrypted cookie between start and callback: the app stays stateless. */
export interface PendingLogin {
  provider: OAuthProvider;
  state: string;
  verifier: string;
  nonce?: string;
  tenant?: string;
  expiresAt: number;
}

export const PENDING_SECONDS = 600;

const SCOPES: Record<OAuthProvider, string> = {
  google: 'openid email profile',
  oidc: 'openid email profile',
  github: 'read:user user:email',
};

/** A plain-http provider is a local fake: allowed on loopback outside production, never elsewhere. */
function insecureAllowed(url: string, production: boolean): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'https:') return false;
  if (production || !['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) throw new Error(`${url} must be https`);
  return true;
}

const unavailable = () =>
  new HttpError(503, {
    detail: 'The sign-in provider cannot be reached; try again shortly.',
    headers: { 'Retry-After': '30' },
  });
const refused = () =>
  new HttpError(401, { title: 'Sign-in failed', detail: 'The provider did not confirm the sign-in; start again.' });

/**
 * Authorization-code logins with PKCE (and a nonce for OpenID Connect) through openid-client: Google and any
 * OpenID Connect issuer by discovery, GitHub by its fixed OAuth endpoints plus its API for verified emails.
 */
export class OAuthClients {
  private readonly configs = new Map<OAuthProvider, Promise<oidc.Configuration>>();

  constructor(
    private readonly settings: Partial<Record<OAuthProvider, ProviderSettings>>,
    private readonly callbackBase: string,
    private readonly production: boolean,
  ) {
    // Refuse a cleartext provider at boot, not at the first login.
    for (const provider of Object.values(settings)) {
      insecureAllowed(provider.server, production);
      if (provider.apiBase !== undefined) insecureAllowed(provider.apiBase, production);
    }
  }

  offers(provider: OAuthProvider): boolean {
    return this.settings[provider] !== undefined;
  }

  redirectUri(provider: OAuthProvider): string {
    return new URL(`/auth/oauth/${provider}/callback`, this.callbackBase).toString();
  }

  /** The provider's authorization URL for a new login, and what the callback must find again. */
  async start(provider: OAuthProvider, tenant: string | undefined): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.config(provider);
    const verifier = oidc.randomPKCECodeVerifier();
    const pending: PendingLogin = {
      provider,
      state: oidc.randomState(),
      verifier,
      ...(provider === 'github' ? {} : { nonce: oidc.randomNonce() }),
      ...(tenant === undefined ? {} : { tenant }),
      expiresAt: Date.now() + PENDING_SECONDS * 1000,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(provider),
      scope: SCOPES[provider],
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }),
    });
    return { url, pending };
  }

  /** Redeems the callback's code (state, PKCE and nonce checked) and reads who signed in. */
  async finish(pending: PendingLogin, query: string): Promise<Profile> {
    const config = await this.config(pending.provider);
    const current = new URL(`${this.redirectUri(pending.provider)}?${query}`);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        ...(pending.nonce === undefined ? {} : { expectedNonce: pending.nonce, idTokenExpected: true }),
      });
    } catch (error) {
      throw error instanceof TypeError ? unavailable() : refused();
    }
    return pending.provider === 'github'
      ? this.githubProfile(config, tokens.access_token)
      : this.oidcProfile(config, tokens);
  }

  private async oidcProfile(
    config: oidc.Configuration,
    tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>,
  ): Promise<Profile> {
    const claims = tokens.claims();
    if (claims === undefined) throw refused();
    let { email, email_verified: verified } = claims as { email?: unknown; email_verified?: unknown };
    if (typeof email !== 'string') {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      email = info.email;
      verified = info.email_verified;
    }
    if (typeof email !== 'string')
      throw new HttpError(403, { detail: 'The provider shared no email address; allow the email scope.' });
    return { subject: claims.sub, email, emailVerified: verified === true };
  }

  /** GitHub has no ID token: the numeric id from /user, and the primary address only if GitHub verified it. */
  private async githubProfile(config: oidc.Configuration, accessToken: string): Promise<Profile> {
    const api = this.settings.github?.apiBase ?? 'https://api.github.com';
    const get = async <T>(path: string): Promise<T> => {
      const response = await oidc.fetchProtectedResource(
        config,
        accessToken,
        new URL(path, api),
        'GET',
        undefined,
        new Headers({ accept: 'application/vnd.github+json' }),
      );
      if (!response.ok) throw refused();
      return (await response.json()) as T;
    };
    const user = await get<{ id?: unknown }>('/user');
    const emails = await get<{ email?: unknown; primary?: unknown; verified?: unknown }[]>('/user/emails');
    const primary = emails.find((entry) => entry.primary === true && typeof entry.email === 'string');
    if (typeof user.id !== 'number' || primary === undefined) throw refused();
    return { subject: String(user.id), email: String(primary.email), emailVerified: primary.verified === true };
  }

  private config(provider: OAuthProvider): Promise<oidc.Configuration> {
    const settings = this.settings[provider];
    if (settings === undefined)
      return Promise.reject(new HttpError(404, { detail: 'This sign-in provider is not offered.' }));
    let config = this.configs.get(provider);
    if (config === undefined) {
      config = this.build(provider, settings);
      this.configs.set(provider, config);
      // A failed discovery is retried by the next login instead of being remembered.
      void config.catch(() => this.configs.delete(provider));
    }
    return config.catch(() => {
      throw unavailable();
    });
  }

  private async build(provider: OAuthProvider, settings: ProviderSettings): Promise<oidc.Configuration> {
    const insecure =
      insecureAllowed(settings.server, this.production) ||
      (settings.apiBase !== undefined && insecureAllowed(settings.apiBase, this.production));
    if (provider === 'github') {
      const base = settings.server.replace(/\/+$/, '');
      const config = new oidc.Configuration(
        {
          issuer: base,
          authorization_endpoint: `${base}/login/oauth/authorize`,
          token_endpoint: `${base}/login/oauth/access_token`,
        },
        settings.clientId,
        settings.clientSecret,
      );
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated to stand out: only loopback fakes outside production get here
      if (insecure) oidc.allowInsecureRequests(config);
      return config;
    }
    return oidc.discovery(
      new URL(settings.server),
      settings.clientId,
      settings.clientSecret,
      undefined,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above: loopback fakes outside production only
      insecure ? { execute: [oidc.allowInsecureRequests] } : {},
    );
  }
}
