import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { OidcConfig } from '../../config.ts';

/** Who the provider says signed in. */
export interface ExternalIdentity {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  picture: string | undefined;
}

interface Endpoints {
  issuer: string | undefined;
  authorizationUrl: string;
  tokenUrl: string;
  userinfoUrl: string | undefined;
  jwksUri: string | undefined;
}

export class ExternalSignInError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ExternalSignInError';
    this.code = code;
  }
}

const TIMEOUT_MS = 10_000;

function random(): string {
  return randomBytes(32).toString('base64url');
}

async function getJson(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ExternalSignInError('provider_error', `The provider answered ${res.status} without JSON`);
  }
  if (!res.ok || typeof body !== 'object' || body === null) {
    const error = (body as { error?: unknown })?.error;
    throw new ExternalSignInError(
      'provider_error',
      `The provider answered ${res.status}${typeof error === 'string' ? ` (${error})` : ''}`,
    );
  }
  return body as Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The authorization-code flow with PKCE (S256), state and nonce against one provider: OpenID Connect
 * when an issuer is configured (discovery, signed id_token checked against the provider's keys),
 * plain OAuth2 with a userinfo endpoint otherwise.
 */
export class OidcClient {
  readonly #config: OidcConfig;
  readonly #redirectUri: string;
  #endpoints: Promise<Endpoints> | undefined;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(config: OidcConfig, redirectUri: string) {
    this.#config = config;
    this.#redirectUri = redirectUri;
  }

  endpoints(): Promise<Endpoints> {
    if (!this.#config.issuer) {
      return Promise.resolve({
        issuer: undefined,
        authorizationUrl: this.#config.authorizationUrl!,
        tokenUrl: this.#config.tokenUrl!,
        userinfoUrl: this.#config.userinfoUrl,
        jwksUri: undefined,
      });
    }
    this.#endpoints ??= (async () => {
      const issuer = this.#config.issuer!.replace(/\/+$/, '');
      const doc = await getJson(`${issuer}/.well-known/openid-configuration`);
      const authorizationUrl = str(doc['authorization_endpoint']) ?? this.#config.authorizationUrl;
      const tokenUrl = str(doc['token_endpoint']) ?? this.#config.tokenUrl;
      if (!authorizationUrl || !tokenUrl) {
        throw new ExternalSignInError(
          'provider_error',
          'The provider’s discovery document lacks its endpoints',
        );
      }
      return {
        issuer: str(doc['issuer']) ?? issuer,
        authorizationUrl,
        tokenUrl,
        userinfoUrl: str(doc['userinfo_endpoint']) ?? this.#config.userinfoUrl,
        jwksUri: str(doc['jwks_uri']),
      };
    })();
    // A failed discovery is retried on the next sign-in instead of being remembered.
    this.#endpoints.catch(() => {
      this.#endpoints = undefined;
    });
    return this.#endpoints;
  }

  /** Where to send the browser, and the secrets the callback needs back (kept by the caller). */
  async begin(): Promise<{ url: string; state: string; verifier: string; nonce: string }> {
    const endpoints = await this.endpoints();
    const state = random();
    const verifier = random();
    const nonce = random();
    const url = new URL(endpoints.authorizationUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.#config.clientId);
    url.searchParams.set('redirect_uri', this.#redirectUri);
    url.searchParams.set('scope', this.#config.scopes);
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.toString(), state, verifier, nonce };
  }

  /** Trades the code for tokens and says who signed in. */
  async finish(code: string, verifier: string, nonce: string): Promise<ExternalIdentity> {
    const endpoints = await this.endpoints();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.#redirectUri,
      code_verifier: verifier,
      client_id: this.#config.clientId,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.#config.clientSecret) {
      const id = encodeURIComponent(this.#config.clientId);
      const secret = encodeURIComponent(this.#config.clientSecret);
      headers['authorization'] = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    }
    const tokens = await getJson(endpoints.tokenUrl, { method: 'POST', headers, body: form.toString() });
    const idToken = str(tokens['id_token']);
    const accessToken = str(tokens['access_token']);

    let claims: JWTPayload = {};
    if (idToken && endpoints.jwksUri) {
      this.#jwks ??= createRemoteJWKSet(new URL(endpoints.jwksUri));
      try {
        const verified = await jwtVerify(idToken, this.#jwks, {
          audience: this.#config.clientId,
          ...(endpoints.issuer ? { issuer: endpoints.issuer } : {}),
        });
        claims = verified.payload;
      } catch (error) {
        throw new ExternalSignInError(
          'invalid_id_token',
          `The provider’s id_token did not verify: ${(error as Error).message}`,
        );
      }
      if (claims['nonce'] !== nonce)
        throw new ExternalSignInError('invalid_id_token', 'The id_token’s nonce does not match');
    } else if (endpoints.issuer) {
      throw new ExternalSignInError('invalid_id_token', 'The provider returned no id_token');
    }

    if ((!claims.sub || !str(claims['email'])) && endpoints.userinfoUrl && accessToken) {
      const info = await getJson(endpoints.userinfoUrl, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      if (claims.sub && str(info['sub']) && info['sub'] !== claims.sub) {
        throw new ExternalSignInError('provider_error', 'The userinfo answer names another subject');
      }
      claims = { ...info, ...claims };
    }
    const subject =
      str(claims.sub) ?? (typeof claims['id'] === 'number' ? String(claims['id']) : str(claims['id']));
    if (!subject) throw new ExternalSignInError('provider_error', 'The provider did not say who signed in');
    return {
      subject,
      email: str(claims['email'])?.toLowerCase(),
      emailVerified: claims['email_verified'] === true || claims['email_verified'] === 'true',
      name: str(claims['name']) ?? str(claims['preferred_username']),
      picture: str(claims['picture']),
    };
  }
}
