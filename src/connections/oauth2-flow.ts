import { createHash, randomBytes } from 'node:crypto';
import { AUTH_OPTION_FIELD, hasAuthAlternatives, oauth2OptionOf } from '../catalog/auth-options.ts';
import type { LimitedFetch } from '../catalog/context.ts';
import type { FieldProblem } from '../http/errors.ts';
import { AppError } from '../http/errors.ts';
import { createConnectionRow } from './connection-row.ts';
import type { ConnectionDeps } from './connections.ts';
import { type ClientAuth, exchangeCode, type OAuth2Credentials } from './oauth2-client.ts';

/** How long a user has to approve at the provider. */
const STATE_TTL_MS = 10 * 60_000;

/** What travels in `state` between start and callback: sealed (encrypted and authenticated), so it cannot be read or forged. */
interface PendingGrant {
  kind: 'area.oauth2';
  userId: string;
  service: string;
  name: string;
  clientId: string;
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  codeVerifier: string;
  config: Record<string, unknown>;
  expiresAt: number;
  clientAuth?: ClientAuth;
}

export interface StartInput {
  name: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** Only for services whose endpoints the user gives (generic OAuth2). */
  authorizationUrl?: string | undefined;
  tokenUrl?: string | undefined;
  scopes?: string[] | undefined;
  config?: Record<string, unknown> | undefined;
}

export function oauthCallbackUrl(publicUrl: string): string {
  return `${publicUrl}/api/v1/connections/oauth/callback`;
}

function httpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Builds the provider's authorization URL (with state and a PKCE S256 challenge). */
export function startOAuth2(
  deps: ConnectionDeps & { publicUrl: string },
  userId: string,
  serviceKey: string,
  input: StartInput,
): { authorizationUrl: string; state: string; redirectUri: string } {
  const service = deps.catalog.service(serviceKey);
  if (!service) throw AppError.notFound('Service');
  const auth = oauth2OptionOf(service.definition);
  if (!auth) {
    throw AppError.invalid([
      { path: 'service', rule: 'oauth2', message: `${service.definition.name} does not use OAuth2` },
    ]);
  }
  // Self-hosted editions of a provider (custom endpoints) take the user's URLs over the defaults.
  const custom = auth.oauth2.customEndpoints === true;
  const authorizationUrl = custom
    ? (input.authorizationUrl ?? auth.oauth2.authorizationUrl)
    : (auth.oauth2.authorizationUrl ?? input.authorizationUrl);
  const tokenUrl = custom
    ? (input.tokenUrl ?? auth.oauth2.tokenUrl)
    : (auth.oauth2.tokenUrl ?? input.tokenUrl);
  const problems: FieldProblem[] = [];
  if (!httpUrl(authorizationUrl))
    problems.push({ path: 'authorizationUrl', rule: 'format', message: 'must be an http(s) URL' });
  if (!httpUrl(tokenUrl))
    problems.push({ path: 'tokenUrl', rule: 'format', message: 'must be an http(s) URL' });
  if (problems.length > 0) throw AppError.invalid(problems);

  const codeVerifier = randomBytes(32).toString('base64url');
  const pkce = auth.oauth2.pkce ?? true;
  const scopes = input.scopes ?? [...auth.oauth2.scopes];
  const pending: PendingGrant = {
    kind: 'area.oauth2',
    userId,
    service: serviceKey,
    name: input.name,
    clientId: input.clientId,
    ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}),
    authorizationUrl: authorizationUrl!,
    tokenUrl: tokenUrl!,
    scopes,
    codeVerifier: pkce ? codeVerifier : '',
    config: input.config ?? {},
    expiresAt: Date.now() + STATE_TTL_MS,
    ...(auth.oauth2.clientAuth ? { clientAuth: auth.oauth2.clientAuth } : {}),
  };
  const state = deps.keys.sealJson(pending);
  const redirectUri = oauthCallbackUrl(deps.publicUrl);
  const url = new URL(authorizationUrl!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('state', state);
  if (pkce) {
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(auth.oauth2.authorizeParams ?? {})) url.searchParams.set(k, v);
  return { authorizationUrl: url.toString(), state, redirectUri };
}

/** Checks `state`, trades the code for tokens, and stores the connection (tokens sealed). */
export async function finishOAuth2(
  deps: ConnectionDeps & { publicUrl: string; http: LimitedFetch },
  query: {
    code?: string | undefined;
    state?: string | undefined;
    error?: string | undefined;
    error_description?: string | undefined;
  },
): Promise<{ connectionId: string; userId: string }> {
  let pending: PendingGrant;
  try {
    pending = deps.keys.openJson<PendingGrant>(query.state ?? '');
  } catch {
    throw new AppError('bad_request', 'state: not a state this server issued');
  }
  if (pending.kind !== 'area.oauth2')
    throw new AppError('bad_request', 'state: not a state this server issued');
  if (pending.expiresAt < Date.now())
    throw new AppError('bad_request', 'state: the sign-in took too long, start again');
  if (query.error) {
    throw new AppError('bad_request', `The provider refused: ${query.error_description ?? query.error}`);
  }
  if (!query.code) throw AppError.invalid([{ path: 'code', rule: 'required', message: 'is missing' }]);
  const tokens = await exchangeCode(deps.http, pending, {
    code: query.code,
    redirectUri: oauthCallbackUrl(deps.publicUrl),
    codeVerifier: pending.codeVerifier || undefined,
  });
  const credentials: OAuth2Credentials = {
    clientId: pending.clientId,
    ...(pending.clientSecret ? { clientSecret: pending.clientSecret } : {}),
    authorizationUrl: pending.authorizationUrl,
    tokenUrl: pending.tokenUrl,
    scopes: pending.scopes,
    ...(pending.clientAuth ? { clientAuth: pending.clientAuth } : {}),
    ...tokens,
  };
  const service = deps.catalog.service(pending.service);
  // With alternatives, the connection remembers it was made through OAuth2 (refresh applies to it).
  const stored =
    service && hasAuthAlternatives(service.definition)
      ? { ...credentials, [AUTH_OPTION_FIELD]: 'oauth2' }
      : credentials;
  const id = await createConnectionRow(deps, pending.userId, {
    serviceKey: pending.service,
    name: pending.name,
    credentials: stored,
    config: pending.config,
    tokenExpiresAt: tokens.expiresAt ? new Date(tokens.expiresAt) : null,
  });
  return { connectionId: id, userId: pending.userId };
}
