import { ApiError, defaultErrorMessage } from '../api-client/api-error.ts';
import { retryAfterMs, sleep } from '../api-client/retry-after.ts';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export interface SseRequest {
  service: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal | undefined;
  /** Node's fetch unless given (the limited fetch buffers whole bodies, which a stream cannot use). */
  fetch?: typeof fetch | undefined;
  maxRetries?: number;
}

/**
 * POSTs a request and yields its server-sent events as they arrive. A 429/503 before the stream
 * starts is retried after Retry-After (bounded); other errors become readable `ApiError`s.
 */
export async function* streamEvents(request: SseRequest): AsyncGenerator<SseEvent> {
  const doFetch = request.fetch ?? fetch;
  const signal = request.signal ?? new AbortController().signal;
  const maxRetries = request.maxRetries ?? 3;
  let response: Response;
  for (let attempt = 0; ; attempt += 1) {
    response = await doFetch(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: request.body,
      signal,
    });
    if (response.ok) break;
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const wait = retryAfterMs(headers);
    if (
      (response.status === 429 || response.status === 503 || response.status === 529) &&
      attempt < maxRetries
    ) {
      const ms = wait ?? 1000 * 2 ** attempt;
      if (ms <= 60_000) {
        await sleep(ms, signal);
        continue;
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    throw new ApiError({
      service: request.service,
      status: response.status,
      message: defaultErrorMessage(parsed, text),
      body: parsed,
    });
  }
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary = /\r?\n\r?\n/.exec(buffer);
    while (boundary) {
      const block = buffer.slice(0, boundary.index);
      buffer = buffer.slice(boundary.index + boundary[0].length);
      const event = parseBlock(block);
      if (event) yield event;
      boundary = /\r?\n\r?\n/.exec(buffer);
    }
  }
  const last = parseBlock(buffer);
  if (last) yield last;
}

function parseBlock(block: string): SseEvent | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}
