import type { ClientRequest, IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, constants, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { LimitedFetch, LimitedFetchInit, LimitedResponse } from './context.ts';

// Taken as CommonJS modules: an `import` of node:http builds an ES module view that reads every export,
// and its WebSocket export loads undici (fetch's implementation): 30-40 ms of every start.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

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

// One connection pool per protocol for the whole process, as fetch has one global dispatcher: runs of
// every workflow reuse the connections to the same service. An idle socket closes after 4 s (sooner
// when the server announces a shorter keep-alive), so an idle process holds none. The proxy settings
// are Node's own (NODE_USE_ENV_PROXY with HTTP_PROXY / HTTPS_PROXY / NO_PROXY), as fetch honours them.
const POOL = {
  keepAlive: true,
  maxSockets: 256,
  maxFreeSockets: 32,
  timeout: 4000,
  scheduling: 'lifo',
  proxyEnv: https.globalAgent.options.proxyEnv,
} as const;
const httpAgent = new http.Agent(POOL);
const httpsAgent = new https.Agent(POOL);

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliDecompressAsync = promisify(brotliDecompress);

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** A redirect's own body is read to keep its connection only when it is this small. */
const DRAINED_REDIRECT_BYTES = 64 * 1024;
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type Body = string | Uint8Array;
interface Decoder {
  run(input: Buffer, options: ZlibOptions): Promise<Buffer>;
  finishFlush: number;
}

interface Exchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Body | undefined;
  redirects: number;
}

/**
 * An HTTP client over Node's keep-alive agents with a time limit (the whole exchange, redirects and
 * body included), a response size limit (declared or counted as it arrives, decoded bytes included)
 * and the caller's cancellation. It behaves as fetch does for what callers see: default headers,
 * redirect modes, decoded gzip/deflate/br bodies, the abort reason as the error. A component may
 * lower the limits, never raise them.
 */
export function createLimitedFetch(limits: FetchLimits, runSignal?: AbortSignal): LimitedFetch {
  return (url: string | URL, init: LimitedFetchInit = {}): Promise<LimitedResponse> => {
    const signals: AbortSignal[] = [];
    if (runSignal) signals.push(runSignal);
    if (init.signal && init.signal !== runSignal) signals.push(init.signal);
    for (const signal of signals) if (signal.aborted) return Promise.reject(signal.reason);
    let first: Exchange;
    try {
      first = firstExchange(url, init);
    } catch (error) {
      return Promise.reject(error);
    }
    return exchange(first, {
      timeoutMs: Math.min(init.timeoutMs ?? limits.timeoutMs, limits.timeoutMs),
      maxBytes: Math.min(init.maxBytes ?? limits.maxBytes, limits.maxBytes),
      redirect: init.redirect ?? 'follow',
      signals,
    });
  };
}

function firstExchange(target: string | URL, init: LimitedFetchInit): Exchange {
  const url = new URL(target);
  url.hash = '';
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`Only http and https URLs can be requested, not ${url.protocol}`);
  if (url.username || url.password)
    throw new TypeError('A request URL cannot hold credentials; send them in a header');
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(init.headers ?? {})) {
    const name = key.toLowerCase();
    const trimmed = String(value).trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${trimmed}` : trimmed;
  }
  headers['accept'] ??= '*/*';
  headers['user-agent'] ??= 'node';
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  let body: Body | undefined;
  if (typeof init.body === 'string') {
    body = init.body;
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
  } else if (init.body instanceof URLSearchParams) {
    body = init.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else {
    body = init.body;
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD'))
    throw new TypeError(`A ${method} request cannot have a body`);
  return { url, method, headers, body, redirects: 0 };
}

interface Rules {
  timeoutMs: number;
  maxBytes: number;
  redirect: 'follow' | 'manual' | 'error';
  signals: AbortSignal[];
}

function exchange(start: Exchange, rules: Rules): Promise<LimitedResponse> {
  return new Promise((resolve, reject) => {
    let current: ClientRequest | undefined;
    let settled = false;
    const settle = (error: unknown, response?: LimitedResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const signal of rules.signals) signal.removeEventListener('abort', onAbort);
      if (response) return resolve(response);
      current?.destroy();
      reject(error);
    };
    const onAbort = (event: Event) => settle((event.target as AbortSignal).reason);
    const timer = setTimeout(() => settle(new RequestTimeoutError(rules.timeoutMs)), rules.timeoutMs);
    for (const signal of rules.signals) signal.addEventListener('abort', onAbort, { once: true });

    const send = (step: Exchange, mayRetry: boolean) => {
      const { url, method, body } = step;
      const headers = { ...step.headers };
      if (body !== undefined)
        headers['content-length'] = String(
          typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
        );
      else if (method === 'POST' || method === 'PUT') headers['content-length'] = '0';
      const secure = url.protocol === 'https:';
      let request: ClientRequest;
      try {
        request = (secure ? https : http).request({
          agent: secure ? httpsAgent : httpAgent,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
        });
      } catch (error) {
        return settle(error);
      }
      current = request;
      let answered = false;
      request.on('error', (error: NodeJS.ErrnoException) => {
        // An earlier hop of a redirect may still fail while its body drains; it no longer matters.
        if (settled || request !== current) return;
        // A kept-alive connection the server closed just as it was reused: the request never reached
        // it, so it is sent again once on a fresh connection.
        const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (!answered && mayRetry && stale) return send(step, false);
        settle(requestFailed(url, error));
      });
      request.on('response', (response: IncomingMessage) => {
        answered = true;
        if (!settled) receive(step, response);
      });
      // Headers and body leave in one write.
      request.end(body);
    };

    const receive = (step: Exchange, response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const headers = headerRecord(response.rawHeaders);
      if (REDIRECT_STATUSES.has(status) && rules.redirect !== 'manual') {
        if (rules.redirect === 'error')
          return settle(
            new TypeError(
              `${step.url.origin} redirects (${status}) and this request does not follow redirects`,
            ),
          );
        const location = headers['location'];
        if (location !== undefined) {
          const declared = Number(headers['content-length']);
          if (declared <= DRAINED_REDIRECT_BYTES) response.resume();
          else response.destroy();
          let next: Exchange;
          try {
            next = redirected(step, status, location);
          } catch (error) {
            return settle(error);
          }
          return send(next, true);
        }
      }
      const bodiless = step.method === 'HEAD' || NULL_BODY_STATUSES.has(status);
      if (!bodiless && Number(headers['content-length'] ?? '0') > rules.maxBytes)
        return settle(new ResponseTooLargeError(rules.maxBytes));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > rules.maxBytes) return settle(new ResponseTooLargeError(rules.maxBytes));
        chunks.push(chunk);
      });
      response.on('error', (error) => settle(requestFailed(step.url, error)));
      response.on('end', () => {
        if (settled) return;
        const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        const codings =
          bodiless || raw.byteLength === 0 ? undefined : decodersOf(headers['content-encoding']);
        const complete = (body: Buffer) =>
          settle(undefined, limitedResponse(step.url, status, headers, body));
        if (!codings) return complete(raw);
        decode(raw, codings, rules.maxBytes).then(complete, settle);
      });
    };

    send(start, true);
  });
}

/** The next request of a followed redirect, with fetch's rules for method, body and headers. */
function redirected(step: Exchange, status: number, location: string): Exchange {
  if (step.redirects >= MAX_REDIRECTS)
    throw new TypeError(`More than ${MAX_REDIRECTS} redirects from ${step.url.origin}`);
  let url: URL;
  try {
    url = new URL(location, step.url);
  } catch {
    throw new TypeError(`${step.url.origin} redirects to an invalid location`);
  }
  url.hash = '';
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${step.url.origin} redirects to a ${url.protocol} URL`);
  const headers = { ...step.headers };
  let { method, body } = step;
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (url.origin !== step.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { url, method, headers, body, redirects: step.redirects + 1 };
}

/** Lower-case names; repeated headers (set-cookie included) joined with ", " as fetch's `get` does. */
function headerRecord(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** The decoders for a content-encoding, last applied first; undefined when one is unknown (fetch then keeps the body as is). */
function decodersOf(encoding: string | undefined): Decoder[] | undefined {
  if (encoding === undefined) return undefined;
  const decoders: Decoder[] = [];
  for (const coding of encoding.toLowerCase().split(',').reverse()) {
    switch (coding.trim()) {
      case 'gzip':
      case 'x-gzip':
        decoders.push({ run: gunzipAsync, finishFlush: constants.Z_SYNC_FLUSH });
        break;
      case 'deflate':
        // Servers send zlib-wrapped or raw deflate under the same name; the first byte tells which.
        decoders.push({
          run: (input, options) =>
            ((input[0]! & 0x0f) === 8 ? inflateAsync : inflateRawAsync)(input, options),
          finishFlush: constants.Z_SYNC_FLUSH,
        });
        break;
      case 'br':
        decoders.push({ run: brotliDecompressAsync, finishFlush: constants.BROTLI_OPERATION_FLUSH });
        break;
      case 'identity':
      case '':
        break;
      default:
        return undefined;
    }
  }
  return decoders.length > 0 ? decoders : undefined;
}

/** Decodes with each decoder in turn; output past `maxBytes` stops the decoder (a zip bomb ends there). */
async function decode(input: Buffer, decoders: Decoder[], maxBytes: number): Promise<Buffer> {
  let out = input;
  for (const decoder of decoders) {
    // finishFlush: a truncated stream yields what it holds, as fetch does.
    const options = { finishFlush: decoder.finishFlush, maxOutputLength: Math.max(1, maxBytes) };
    try {
      out = await decoder.run(out, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new ResponseTooLargeError(maxBytes);
      throw new TypeError(`The compressed response could not be decoded: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (out.byteLength > maxBytes) throw new ResponseTooLargeError(maxBytes);
  }
  return out;
}

/** Names the origin only: paths and queries may carry tokens. */
function requestFailed(url: URL, error: Error): Error {
  return new TypeError(`The request to ${url.origin} failed: ${error.message}`, { cause: error });
}

function limitedResponse(
  url: URL,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
): LimitedResponse {
  return {
    status,
    ok: status >= 200 && status <= 299,
    url: url.href,
    headers,
    body,
    text: () => body.toString('utf8'),
    json<T>(): T {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new Error(`The response of ${url.href} is not JSON (status ${status})`);
      }
    },
  };
}
