import type { BaseContext, LimitedResponse } from '../../../catalog/context.ts';
import { type ApiRequest, createApiClient } from '../../api-client/api-client.ts';
import { ApiError, defaultErrorMessage } from '../../api-client/api-error.ts';
import { retryAfterMs, sleep } from '../../api-client/retry-after.ts';

export const GITHUB_API = 'https://api.github.com';

type ClientContext = Pick<BaseContext<unknown>, 'auth' | 'connection' | 'http' | 'signal'>;

const MAX_RETRIES = 3;
const MAX_WAIT_MS = 60_000;

export function field(auth: unknown, ...names: string[]): string | undefined {
  if (!auth || typeof auth !== 'object') return undefined;
  for (const name of names) {
    const value = (auth as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** GitHub explains a 422 in `errors[]`; the field and code tell the user what to fix. */
function errorMessage(body: unknown, text: string): string {
  const record = (body ?? {}) as {
    message?: string;
    errors?: { field?: string; code?: string; message?: string }[];
  };
  if (!record.message) return defaultErrorMessage(body, text);
  const details = (record.errors ?? [])
    .map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' '))
    .filter(Boolean);
  return details.length > 0 ? `${record.message} (${details.join('; ')})` : record.message;
}

/**
 * A rate limit in GitHub's words: 429, or 403 with an exhausted quota (`x-ratelimit-remaining: 0`, wait
 * until `x-ratelimit-reset`) or a secondary limit (`retry-after`). Other 403s are permission errors.
 */
function rateLimitWait(response: LimitedResponse): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const asked = retryAfterMs(response.headers);
  if (asked !== undefined) return asked;
  if (response.headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(response.headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : 60_000;
  }
  return response.status === 429 ? 1000 : undefined;
}

export interface GithubClient {
  json<T>(request: ApiRequest): Promise<T>;
}

export function githubClient(ctx: ClientContext): GithubClient {
  const baseUrl = String(ctx.connection?.config['baseUrl'] ?? field(ctx.auth, 'baseUrl') ?? GITHUB_API);
  let auth = ctx.auth;
  const client = createApiClient({
    service: 'GitHub',
    http: ctx.http,
    signal: ctx.signal,
    baseUrl,
    headers: () => {
      const token = field(auth, 'token', 'accessToken', 'access_token');
      if (!token) throw new Error('GitHub: the connection has no token');
      return {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'Area',
      };
    },
    refresh: async () => {
      if (!ctx.connection) return false;
      auth = await ctx.connection.refresh();
      return true;
    },
    errorMessage,
    maxRetries: 0,
  });
  return {
    async json<T>(request: ApiRequest): Promise<T> {
      for (let attempt = 0; ; attempt += 1) {
        const response = await client.send({ ...request, accept: [403, 429] });
        if (response.ok)
          return (response.body.byteLength === 0 ? undefined : JSON.parse(response.text())) as T;
        const wait = rateLimitWait(response);
        if (wait !== undefined && attempt < MAX_RETRIES && wait <= MAX_WAIT_MS) {
          await sleep(wait, ctx.signal);
          continue;
        }
        let body: unknown;
        try {
          body = JSON.parse(response.text());
        } catch {
          body = undefined;
        }
        const reason = errorMessage(body, response.text());
        const message =
          wait !== undefined ? `rate limited (retry after ${Math.ceil(wait / 1000)} s): ${reason}` : reason;
        throw new ApiError({ service: 'GitHub', status: response.status, message, body });
      }
    },
  };
}

/** `owner/repo` split into the two path segments, URL-encoded. */
export function repoPath(repository: string): string {
  const [owner, repo] = repository.trim().split('/');
  if (!owner || !repo) throw new Error(`GitHub: "${repository}" is not owner/repository`);
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export const REPOSITORY_PATTERN = '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$';
