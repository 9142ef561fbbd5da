import type { LimitedFetch, LimitedFetchInit, LimitedResponse } from './context.ts';

export interface FetchLimits {
  /** Default and maximum time for one request, ms. */
  timeoutMs: number;
  /** Default and maximum response body size, bytes. */
  maxBytes: number;
}

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`The response is larger than the limit of ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(ms: number) {
    super(`The request took longer than ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * Node's fetch with a time limit, a response size limit (the body is read in chunks and abandoned past
 * the limit) and the caller's cancellation. A component may lower the limits, never raise them.
 */
export function createLimitedFetch(limits: FetchLimits, runSignal?: AbortSignal): LimitedFetch {
  return async (url: string | URL, init: LimitedFetchInit = {}): Promise<LimitedResponse> => {
    const timeoutMs = Math.min(init.timeoutMs ?? limits.timeoutMs, limits.timeoutMs);
    const maxBytes = Math.min(init.maxBytes ?? limits.maxBytes, limits.maxBytes);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, runSignal, init.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = AbortSignal.any(signals);
    try {
      const response = await fetch(url, {
        method: init.method ?? 'GET',
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
        redirect: init.redirect ?? 'follow',
        signal,
      });
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        await response.body?.cancel();
        throw new ResponseTooLargeError(maxBytes);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > maxBytes) {
            await reader.cancel();
            throw new ResponseTooLargeError(maxBytes);
          }
          chunks.push(value);
        }
      }
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return {
        status: response.status,
        ok: response.ok,
        url: response.url,
        headers,
        body,
        text: () => body.toString('utf8'),
        json<T>(): T {
          try {
            return JSON.parse(body.toString('utf8')) as T;
          } catch {
            throw new Error(`The response of ${String(url)} is not JSON (status ${response.status})`);
          }
        },
      };
    } catch (error) {
      if (timeout.aborted && !(runSignal?.aborted || init.signal?.aborted))
        throw new RequestTimeoutError(timeoutMs);
      throw error;
    }
  };
}
