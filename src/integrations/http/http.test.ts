import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standaloneActionContext } from '../../catalog/test-context.ts';
import { requestAction } from './actions/request.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('http.request against a local server', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url?.startsWith('/json')) {
          res
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ created: true, echo: Buffer.concat(chunks).toString() }));
        } else if (req.url?.startsWith('/text')) {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
        } else if (req.url?.startsWith('/big')) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x'.repeat(5000));
        } else if (req.url?.startsWith('/slow')) {
          setTimeout(() => res.writeHead(200).end('late'), 2000);
        } else {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers, query and a JSON body, with bearer auth from the connection', async () => {
    const out = await requestAction.run(
      standaloneActionContext(
        {
          method: 'POST' as const,
          url: `${base}/json`,
          headers: { 'X-Trace': 'abc' },
          query: { page: '2' },
          body: { name: 'Ada' },
        },
        { auth: { type: 'bearer', token: 'tok-123' } },
      ),
    );
    expect(out).toMatchObject({ status: 201, ok: true, body: { created: true, echo: '{"name":"Ada"}' } });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/json?page=2', body: '{"name":"Ada"}' });
    expect(req.headers['authorization']).toBe('Bearer tok-123');
    expect(req.headers['x-trace']).toBe('abc');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('sends forms, resolves URLs against the connection base URL, applies basic and query-key auth', async () => {
    const connection = {
      id: 'c',
      name: 'c',
      serviceKey: 'http',
      config: { baseUrl: `${base}/` },
      refresh: async () => undefined,
    };
    await requestAction.run(
      standaloneActionContext(
        {
          method: 'PUT' as const,
          url: 'text/path',
          bodyType: 'form' as const,
          body: { a: '1', b: 'two words' },
        },
        { auth: { type: 'basic', username: 'ada', password: 'pw' }, connection },
      ),
    );
    let req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'PUT', url: '/text/path', body: 'a=1&b=two+words' });
    expect(req.headers['authorization']).toBe(`Basic ${Buffer.from('ada:pw').toString('base64')}`);
    await requestAction.run(
      standaloneActionContext(
        { method: 'GET' as const, url: `${base}/text` },
        { auth: { type: 'query', name: 'api_key', value: 'k1' } },
      ),
    );
    req = seen.at(-1)!;
    expect(req.url).toBe('/text?api_key=k1');
  });

  it('reads text, fails on error status unless told not to', async () => {
    const text = await requestAction.run(
      standaloneActionContext({ method: 'GET' as const, url: `${base}/text` }),
    );
    expect(text.body).toBe('hello');
    await expect(
      requestAction.run(standaloneActionContext({ method: 'GET' as const, url: `${base}/missing` })),
    ).rejects.toThrow(/answered 404/);
    const soft = await requestAction.run(
      standaloneActionContext({ method: 'GET' as const, url: `${base}/missing`, failOnError: false }),
    );
    expect(soft).toMatchObject({ status: 404, ok: false, body: { error: 'nope' } });
  });

  it('enforces the response size and time limits', async () => {
    await expect(
      requestAction.run(
        standaloneActionContext(
          { method: 'GET' as const, url: `${base}/big` },
          { limits: { timeoutMs: 5000, maxBytes: 1000 } },
        ),
      ),
    ).rejects.toThrow(/larger than the limit of 1000 bytes/);
    await expect(
      requestAction.run(
        standaloneActionContext({ method: 'GET' as const, url: `${base}/slow`, timeoutMs: 200 }),
      ),
    ).rejects.toThrow(/longer than 200 ms/);
    await expect(
      requestAction.run(standaloneActionContext({ method: 'GET' as const, url: 'file:///etc/passwd' })),
    ).rejects.toThrow(/only http and https/);
  });
});
