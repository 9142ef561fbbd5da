import type { LimitedFetch, LimitedResponse } from '../../catalog/context.ts';
import { ApiError, defaultErrorMessage } from './api-error.ts';
import { retryAfterMs, sleep } from './retry-after.ts';

export type QueryValue = string | number | boolean | undefined | null;

export interface ApiRequest {
  method?: string;
  /** A path joined to the base URL, or an absolute URL. */
  path: string;
  query?: Record<string, QueryValue | readonly string[]>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (with `contentType`). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxBytes?: number;
  /** Statuses handed back to the caller instead of thrown (e.g. 304 Not Modified). */
  accept?: readonly number[];
}

export interface ApiClientOptions {
  /** Display name used in error messages ("Notion answered 404: ..."). */
  service: string;
  http: LimitedFetch;
  signal: AbortSignal;
  baseUrl: string;
  /** Auth and version headers, asked before every attempt (a refresh may have changed them). */
  headers?(): Record<string, string> | Promise<Record<string, string>>;
  /** Called once after a 401; true when fresh credentials are in place and the call is worth repeating. */
  refresh?(): Promise<boolean>;
  /** The provider's explanation in an error body; defaults to the common shapes. */
  errorMessage?(body: unknown, text: string): string;
  /**
   * Whether an answer outside 429/503/529 is a rate limit too (Google answers some with 403 and the
   * reason `rateLimitExceeded`). Such answers are retried like a 429.
   */
  isRateLimited?(status: number, body: unknown): boolean;
  /** Attempts after a 429/503 (default 3). */
  maxRetries?: number;
  /** Longest wait honoured for one Retry-After (default 60 s); a longer one fails the call now. */
  maxWaitMs?: number;
  /** Wait when a 429/503 names none (doubles per attempt, default 1 s). */
  baseDelayMs?: number;
}

export interface ApiClient {
  /** The response body parsed as JSON (undefined for an empty body). */
  json<T>(request: ApiRequest): Promise<T>;
  /** The buffered response after error and retry handling. */
  send(request: ApiRequest): Promise<LimitedResponse>;
}

const RETRY_STATUSES = new Set([429, 503, 529]);

function parseBody(response: LimitedResponse): unknown {
  try {
    return response.body.byteLength > 0 ? JSON.parse(response.text()) : undefined;
  } catch {
    return undefined;
  }
}

export function buildUrl(baseUrl: string, path: string, query?: ApiRequest['query']): URL {
  const url = /^https?:\/\//i.test(path)
    ? new URL(path)
    : new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.set(key, String(value));
  }
  return url;
}

/**
 * A small REST client over the run's limited fetch: joins the base URL, adds auth headers, honours
 * 429/503 Retry-After with a bounded number of retries, refreshes OAuth2 credentials once after a 401,
 * and turns provider errors into readable `ApiError`s.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const maxRetries = options.maxRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 1000;

  async function send(request: ApiRequest): Promise<LimitedResponse> {
    const url = buildUrl(options.baseUrl, request.path, request.query);
    let refreshed = false;
    for (let attempt = 0; ; attempt += 1) {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(options.headers ? await options.headers() : {}),
        ...(request.headers ?? {}),
      };
      let body: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.body !== undefined) {
        if (request.contentType) headers['content-type'] = request.contentType;
        body = request.body;
      }
      const response = await options.http(url, {
        method: request.method ?? 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
        ...(request.maxBytes ? { maxBytes: request.maxBytes } : {}),
        signal: options.signal,
      });
      if (response.ok || request.accept?.includes(response.status)) return response;

      if (response.status === 401 && options.refresh && !refreshed) {
        refreshed = true;
        if (await options.refresh()) continue;
      }
      const limited =
        RETRY_STATUSES.has(response.status) ||
        options.isRateLimited?.(response.status, parseBody(response)) === true;
      if (limited && attempt < maxRetries) {
        const asked = retryAfterMs(response.headers);
        const wait = asked ?? baseDelayMs * 2 ** attempt;
        if (wait <= maxWaitMs) {
          await sleep(wait, options.signal);
          continue;
        }
      }
      throw errorOf(response);
    }
  }

  function errorOf(response: LimitedResponse): ApiError {
    const text = response.text();
    const parsed = parseBody(response);
    let message = (options.errorMessage ?? defaultErrorMessage)(parsed, text);
    if (response.status === 429 || options.isRateLimited?.(response.status, parsed)) {
      const wait = retryAfterMs(response.headers);
      message = `rate limited${wait !== undefined ? ` (retry after ${Math.ceil(wait / 1000)} s)` : ''}: ${message}`;
    }
    return new ApiError({ service: options.service, status: response.status, message, body: parsed });
  }

  return {
    send,
    async json<T>(request: ApiRequest): Promise<T> {
      const response = await send(request);
      if (response.body.byteLength === 0) return undefined as T;
      try {
        return JSON.parse(response.text()) as T;
      } catch {
        throw new ApiError({
          service: options.service,
          status: response.status,
          message: 'the answer is not JSON; check the base URL',
        });
      }
    },
  };
}
