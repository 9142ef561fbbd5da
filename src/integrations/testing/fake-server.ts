import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received, as the test asserts it. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = unknown>(): T;
  /** Values of `:name` segments of the matched route. */
  params: Record<string, string>;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is. */
  body?: string;
}

export type FakeHandler = (request: ReceivedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  /** Answers `METHOD /path/:param` with the handler, every time. */
  on(route: string, handler: FakeHandler | FakeReply): void;
  /** Answers the next matching request once with `reply` (queued before the `on` handler). */
  once(route: string, reply: FakeHandler | FakeReply): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
}

function compile(route: string, handler: FakeHandler | FakeReply): Route {
  const [method, path] = route.split(' ') as [string, string];
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    method: method.toUpperCase(),
    pattern: new RegExp(`^${source}$`),
    names,
    handler: typeof handler === 'function' ? handler : () => handler,
  };
}

function match(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const found = route.pattern.exec(path);
  if (!found) return undefined;
  return Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A local stand-in for a third-party HTTP API (127.0.0.1, a free port). Tests declare the provider's
 * endpoints with their documented answers and then assert what the component sent.
 * An undeclared endpoint answers 404, so a wrong path fails the test loudly.
 */
export async function startFakeServer(): Promise<FakeServer> {
  const routes: Route[] = [];
  const queued: Route[] = [];
  const requests: ReceivedRequest[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const received: ReceivedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      text,
      json: <T>() => JSON.parse(text) as T,
      params: {},
    };
    requests.push(received);
    let reply: FakeReply = {
      status: 404,
      json: { error: { message: `no fake route for ${method} ${url.pathname}` } },
    };
    try {
      const onceIndex = queued.findIndex((r) => match(r, method, url.pathname));
      const route =
        onceIndex >= 0 ? queued.splice(onceIndex, 1)[0] : routes.find((r) => match(r, method, url.pathname));
      if (route) {
        received.params = match(route, method, url.pathname) ?? {};
        reply = await route.handler(received);
      }
    } catch (error) {
      reply = {
        status: 500,
        json: { error: { message: `fake server handler failed: ${(error as Error).message}` } },
      };
    }
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
    res.writeHead(reply.status ?? 200, {
      // No keep-alive: a socket the server times out while the client reuses it would fail a test at random.
      connection: 'close',
      ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(reply.headers ?? {}),
    });
    res.end(body);
  });

  // fetch reuses idle connections; a busy test machine can reach Node's 5 s idle close just as a request
  // goes out on one (ECONNRESET), so idle connections stay open until close().
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (route, handler) => {
      routes.push(compile(route, handler));
    },
    once: (route, reply) => {
      queued.push(compile(route, reply));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
