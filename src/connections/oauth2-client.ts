import type { LimitedFetch } from '../catalog/context.ts';

/** What an OAuth2 connection stores (sealed): the app's client and the tokens. */
export interface OAuth2Credentials {
  clientId: string;
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  scope?: string;
  /** ISO time the access token stops working, when the provider said. */
  expiresAt?: string;
  /** How the token endpoint wants the client to authenticate (default: in the form body). */
  clientAuth?: ClientAuth;
}

/** client_secret_post (form body) or client_secret_basic (HTTP Basic), as the provider requires. */
export type ClientAuth = 'body' | 'basic';

/** What an action sees as ctx.auth for an OAuth2 connection. */
export interface OAuth2Auth {
  accessToken: string;
  tokenType: string;
  scope?: string;
  expiresAt?: string;
}

export class OAuth2Error extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code?: string) {
    super(message);
    this.name = 'OAuth2Error';
    this.status = status;
    this.code = code;
  }
}

type TokenAnswer = {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  expires_in?: number | string;
  error?: string;
  error_description?: string;
};

interface TokenClient {
  clientId: string;
  clientSecret?: string | undefined;
  tokenUrl: string;
  clientAuth?: ClientAuth | undefined;
}

async function tokenRequest(
  http: LimitedFetch,
  client: TokenClient,
  params: Record<string, string>,
): Promise<TokenAnswer> {
  // client_secret_post is the most widely accepted; some providers (Notion) require HTTP Basic.
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.clientAuth === 'basic') {
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? '')}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    if (client.clientSecret) body.set('client_secret', client.clientSecret);
  }
  const response = await http(client.tokenUrl, {
    method: 'POST',
    headers,
    body: body.toString(),
    timeoutMs: 15_000,
  });
  let answer: TokenAnswer;
  try {
    answer = response.json<TokenAnswer>();
  } catch {
    throw new OAuth2Error(`The token endpoint answered ${response.status} without JSON`, response.status);
  }
  if (!response.ok || answer.error || !answer.access_token) {
    const what = answer.error_description ?? answer.error ?? 'no access_token';
    throw new OAuth2Error(
      `The token endpoint refused: ${what} (status ${response.status})`,
      response.status,
      answer.error,
    );
  }
  return answer;
}

function tokensFrom(answer: TokenAnswer, previousRefreshToken?: string) {
  const expiresIn = answer.expires_in === undefined ? undefined : Number(answer.expires_in);
  return {
    accessToken: answer.access_token!,
    tokenType: answer.token_type ?? 'Bearer',
    ...((answer.refresh_token ?? previousRefreshToken)
      ? { refreshToken: answer.refresh_token ?? previousRefreshToken }
      : {}),
    ...(answer.scope ? { scope: answer.scope } : {}),
    ...(expiresIn && Number.isFinite(expiresIn)
      ? { expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() }
      : {}),
  };
}

export async function exchangeCode(
  http: LimitedFetch,
  client: TokenClient,
  grant: { code: string; redirectUri: string; codeVerifier?: string | undefined },
) {
  const answer = await tokenRequest(http, client, {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}),
  });
  return tokensFrom(answer);
}

export async function refreshAccessToken(http: LimitedFetch, credentials: OAuth2Credentials) {
  if (!credentials.refreshToken)
    throw new OAuth2Error('The provider gave no refresh token: connect again', 400);
  const answer = await tokenRequest(http, credentials, {
    grant_type: 'refresh_token',
    refresh_token: credentials.refreshToken,
  });
  return tokensFrom(answer, credentials.refreshToken);
}
