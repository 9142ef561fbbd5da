import type { ConnectionInfo, LimitedFetch } from '../../catalog/context.ts';
import { type ApiClient, createApiClient } from '../api-client/api-client.ts';
import { baseUrlFrom } from '../api-client/base-url.ts';
import { tokenOf } from '../api-client/token-of.ts';

/**
 * A client for one Google API with the connection's OAuth2 bearer token. After a 401 it asks the
 * connection to refresh the token once (the connections code renews it with the refresh token, or marks
 * the connection expired and throws) and repeats the call with the new token.
 * The base URL comes from the connection's `baseUrl` setting (tests, proxies) or the API's default.
 */
export interface ClientContext {
  auth: unknown;
  http: LimitedFetch;
  signal: AbortSignal;
  connection?: ConnectionInfo | undefined;
  /** Connection settings when there is no connection object yet (the connection test). */
  config?: Record<string, unknown>;
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

/** Google's older error shape answers some rate limits with 403 and a reason in `error.errors[]`. */
export function isGoogleRateLimit(status: number, body: unknown): boolean {
  if (status !== 403 || !body || typeof body !== 'object') return false;
  const errors = (body as { error?: { errors?: { reason?: string }[] } }).error?.errors ?? [];
  return errors.some((e) => e.reason !== undefined && RATE_REASONS.has(e.reason));
}

export function createGoogleClient(ctx: ClientContext, service: string, defaultBaseUrl: string): ApiClient {
  let credentials = ctx.auth;
  const connection = ctx.connection;
  return createApiClient({
    service,
    http: ctx.http,
    signal: ctx.signal,
    baseUrl: baseUrlFrom(ctx, defaultBaseUrl),
    isRateLimited: isGoogleRateLimit,
    headers() {
      const token = tokenOf(credentials);
      if (!token) throw new Error(`The ${service} connection has no access token; connect the account again`);
      return { authorization: `Bearer ${token}` };
    },
    ...(connection
      ? {
          refresh: async () => {
            const before = tokenOf(credentials);
            credentials = await connection.refresh();
            return tokenOf(credentials) !== undefined && tokenOf(credentials) !== before;
          },
        }
      : {}),
  });
}
