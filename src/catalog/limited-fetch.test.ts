import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch, RequestTimeoutError, ResponseTooLargeError } from './limited-fetch.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  port: number;
}

const servers: Server[] = [];

async function serve(handler: RequestListener, server: Server = createServer()): Promise<string> {
  server.on('request', handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const protocol = server instanceof TlsServer ? 'https' : 'http';
  return `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that records each request and answers by path. */
function recordingServer(seen: Seen[], routes: Record<string, RequestListener> = {}): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        port: req.socket.remotePort!,
      });
      const path = new URL(req.url!, 'http://x').pathname;
      const route = Object.entries(routes).find(([prefix]) => path.startsWith(prefix))?.[1];
      if (route) return route(req, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  };
}

const seen: Seen[] = [];
const otherSeen: Seen[] = [];
let base: string;
let other: string;
const http = createLimitedFetch({ timeoutMs: 5000, maxBytes: 2_000_000 });

const json = JSON.stringify({ greeting: 'hello', list: Array.from({ length: 50 }, (_, i) => i) });

beforeAll(async () => {
  other = await serve(recordingServer(otherSeen));
  base = await serve(
    recordingServer(seen, {
      '/slow-head': (_req, res) => {
        setTimeout(() => res.end('late'), 2000).unref();
      },
      '/slow-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first part, ');
        setTimeout(() => res.end('the rest'), 2000).unref();
      },
      '/big-declared': (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.end('x'.repeat(100_000));
      },
      '/big-streamed': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const more = () => {
          if (res.destroyed) return;
          if (sent >= 100) return void res.end();
          sent++;
          res.write('y'.repeat(1000), () => setImmediate(more));
        };
        more();
      },
      '/head-big': (_req, res) => {
        res.writeHead(200, { 'content-length': '10000000' }).end();
      },
      '/gzip': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(json));
      },
      '/deflate-zlib': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(json));
      },
      '/deflate-raw': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateRawSync(json));
      },
      '/br': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(json));
      },
      '/unknown-coding': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'x-custom' }).end('as sent');
      },
      '/bomb': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(10_000_000)));
      },
      '/cookies': (_req, res) => {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
        res.setHeader('X-Mixed-Case', 'value');
        res.end('');
      },
      '/not-json': (_req, res) => {
        res.end('<html>');
      },
      '/redirect/': (req, res) => {
        const [, , status, ...to] = new URL(req.url!, 'http://x').pathname.split('/');
        res.writeHead(Number(status), { location: `/${to.join('/')}` }).end('moved');
      },
      '/hop/': (req, res) => {
        const left = Number(req.url!.split('/')[2]);
        res.writeHead(302, { location: left > 0 ? `/hop/${left - 1}` : '/done' }).end();
      },
      '/to-other': (_req, res) => {
        res.writeHead(307, { location: `${other}/landed` }).end();
      },
      '/no-location': (_req, res) => {
        res.writeHead(302).end('nowhere');
      },
    }),
  );
});

afterAll(async () => {
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

describe('createLimitedFetch: requests', () => {
  it('sends method, headers and a string body with its length', async () => {
    const response = await http(`${base}/echo?q=1#fragment`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: '{"name":"Ada Lovelace é"}',
    });
    expect(response).toMatchObject({ status: 200, ok: true, url: `${base}/echo?q=1` });
    expect(response.json()).toEqual({ ok: true });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/echo?q=1', body: '{"name":"Ada Lovelace é"}' });
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"name":"Ada Lovelace é"}')),
      'x-trace': 'abc',
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(req.headers['transfer-encoding']).toBeUndefined();
  });

  it('gives bodies the content type fetch gives them when none is set', async () => {
    await http(`${base}/echo`, { method: 'POST', body: 'plain' });
    expect(seen.at(-1)!.headers['content-type']).toBe('text/plain;charset=UTF-8');
    await http(`${base}/echo`, { method: 'PUT', body: new URLSearchParams({ a: '1', b: 'two words' }) });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: 'a=1&b=two+words' });
    expect(seen.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    await http(`${base}/echo`, { method: 'PATCH', body: new Uint8Array([1, 2, 3]) });
    expect(seen.at(-1)!.headers['content-length']).toBe('3');
    expect(seen.at(-1)!.headers['content-type']).toBeUndefined();
    await http(`${base}/echo`, { method: 'POST' });
    expect(seen.at(-1)!.headers['content-length']).toBe('0');
  });

  it('refuses what fetch refuses before sending anything', async () => {
    const before = seen.length;
    await expect(http(`${base}/echo`, { method: 'GET', body: 'x' })).rejects.toThrow(/cannot have a body/);
    await expect(http('file:///etc/passwd')).rejects.toThrow(/Only http and https/);
    await expect(http(`http://user:pw@127.0.0.1:1/`)).rejects.toThrow(/cannot hold credentials/);
    await expect(http('not a url')).rejects.toThrow(TypeError);
    expect(seen.length).toBe(before);
  });

  it('reuses the kept-alive connection for the next request', async () => {
    await http(`${base}/echo`);
    await http(`${base}/echo`, { method: 'POST', body: '{}' });
    const [first, second] = seen.slice(-2);
    expect(second!.port).toBe(first!.port);
    expect(first!.headers['connection']).toBe('keep-alive');
  });

  it('answers headers with lower-case names and joins repeated set-cookie values', async () => {
    const response = await http(`${base}/cookies`);
    expect(response.headers['set-cookie']).toBe('a=1; Path=/, b=2; HttpOnly');
    expect(response.headers['x-mixed-case']).toBe('value');
    expect(response.headers['content-length']).toBe('0');
    expect(response.body.byteLength).toBe(0);
    expect(response.text()).toBe('');
  });

  it('explains a body that is not JSON', async () => {
    const response = await http(`${base}/not-json`);
    expect(() => response.json()).toThrow(`The response of ${base}/not-json is not JSON (status 200)`);
  });

  it('names the address and the cause when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await http(`http://127.0.0.1:${port}/secret-path?token=t`).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).toBe(
      `The request to http://127.0.0.1:${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect((failure as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('sends a request again once when a kept-alive connection was closed as it was reused', async () => {
    const retried: Seen[] = [];
    const perSocket = new WeakMap<object, number>();
    // The second request on a connection finds it closed.
    const url = await serve(
      recordingServer(retried, {
        '/': (req, res) => {
          const count = (perSocket.get(req.socket) ?? 0) + 1;
          perSocket.set(req.socket, count);
          if (count > 1) req.socket.destroy();
          else res.end('answered');
        },
      }),
    );
    expect((await http(`${url}/first`)).text()).toBe('answered');
    const second = await http(`${url}/second`, { method: 'POST', body: 'payload' });
    expect(second.text()).toBe('answered');
    expect(retried.map((r) => [r.url, r.body])).toEqual([
      ['/first', ''],
      ['/second', 'payload'],
      ['/second', 'payload'],
    ]);
    expect(retried[2]!.port).not.toBe(retried[0]!.port);
  });
});

describe('createLimitedFetch: limits and cancellation', () => {
  it('fails past the time limit, waiting for headers or for the body', async () => {
    const started = Date.now();
    await expect(http(`${base}/slow-head`, { timeoutMs: 150 })).rejects.toThrow(RequestTimeoutError);
    await expect(http(`${base}/slow-body`, { timeoutMs: 150 })).rejects.toThrow(
      'The request took longer than 150 ms',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('never raises the platform time limit', async () => {
    const strict = createLimitedFetch({ timeoutMs: 150, maxBytes: 1024 });
    await expect(strict(`${base}/slow-head`, { timeoutMs: 60_000 })).rejects.toThrow(
      'The request took longer than 150 ms',
    );
  });

  it("rejects with the abort reason when the run's signal or the request's signal aborts", async () => {
    const run = new AbortController();
    const ofRun = createLimitedFetch({ timeoutMs: 5000, maxBytes: 1024 }, run.signal);
    const pending = ofRun(`${base}/slow-head`);
    setTimeout(() => run.abort(new Error('cancelled')), 50);
    await expect(pending).rejects.toThrow('cancelled');

    const own = new AbortController();
    const mid = http(`${base}/slow-body`, { signal: own.signal });
    setTimeout(() => own.abort(), 50);
    await expect(mid).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends nothing when a signal is already aborted', async () => {
    const before = seen.length;
    await expect(http(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(seen.length).toBe(before);
  });

  it('refuses a body declared larger than the limit at once', async () => {
    await expect(http(`${base}/big-declared`, { maxBytes: 1000 })).rejects.toThrow(
      'The response is larger than the limit of 1000 bytes',
    );
  });

  it('counts an undeclared body as it arrives and stops past the limit', async () => {
    await expect(http(`${base}/big-streamed`, { maxBytes: 5000 })).rejects.toThrow(ResponseTooLargeError);
    const whole = await http(`${base}/big-streamed`, { maxBytes: 100_000 });
    expect(whole.body.byteLength).toBe(100_000);
  });

  it('never raises the platform size limit', async () => {
    const small = createLimitedFetch({ timeoutMs: 5000, maxBytes: 1000 });
    await expect(small(`${base}/big-streamed`, { maxBytes: 1_000_000 })).rejects.toThrow(
      'larger than the limit of 1000 bytes',
    );
  });

  it('answers a HEAD request whatever length it declares', async () => {
    const response = await http(`${base}/head-big`, { method: 'HEAD', maxBytes: 1000 });
    expect(response.status).toBe(200);
    expect(response.body.byteLength).toBe(0);
  });
});

describe('createLimitedFetch: compressed responses', () => {
  it.each(['/gzip', '/deflate-zlib', '/deflate-raw', '/br'])('decodes %s', async (path) => {
    const response = await http(`${base}${path}`);
    expect(response.text()).toBe(json);
  });

  it('keeps an accept-encoding the caller set', async () => {
    await http(`${base}/echo`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(seen.at(-1)!.headers['accept-encoding']).toBe('identity');
  });

  it('keeps a body in an unknown coding as it was sent', async () => {
    expect((await http(`${base}/unknown-coding`)).text()).toBe('as sent');
  });

  it('stops a small compressed body that decodes past the limit', async () => {
    await expect(http(`${base}/bomb`, { maxBytes: 1_000_000 })).rejects.toThrow(
      'The response is larger than the limit of 1000000 bytes',
    );
  });
});

describe('createLimitedFetch: redirects', () => {
  it('follows 301/302 of a POST and 303 of any method as a GET without body or content headers', async () => {
    for (const [status, method] of [
      [301, 'POST'],
      [302, 'POST'],
      [303, 'PUT'],
      [303, 'DELETE'],
    ] as const) {
      const response = await http(`${base}/redirect/${status}/echo`, {
        method,
        headers: { 'content-type': 'application/json', 'content-language': 'en', authorization: 'Bearer t' },
        body: '{"a":1}',
      });
      expect(response).toMatchObject({ status: 200, url: `${base}/echo` });
      const followed = seen.at(-1)!;
      expect(followed).toMatchObject({ method: 'GET', url: '/echo', body: '' });
      expect(followed.headers['content-type']).toBeUndefined();
      expect(followed.headers['content-language']).toBeUndefined();
      expect(followed.headers['content-length']).toBeUndefined();
      expect(followed.headers['authorization']).toBe('Bearer t');
    }
  });

  it('keeps the method of a 301/302 other than POST', async () => {
    await http(`${base}/redirect/302/echo`, { method: 'DELETE' });
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/echo' });
  });

  it('keeps method and body on 307 and 308', async () => {
    for (const status of [307, 308]) {
      await http(`${base}/redirect/${status}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"kept":true}',
      });
      const followed = seen.at(-1)!;
      expect(followed).toMatchObject({ method: 'POST', url: '/echo', body: '{"kept":true}' });
      expect(followed.headers['content-type']).toBe('application/json');
    }
  });

  it('drops credentials when the redirect leaves the origin', async () => {
    const response = await http(`${base}/to-other`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret', cookie: 'session=1', 'x-kept': 'yes' },
      body: 'data',
    });
    expect(response.url).toBe(`${other}/landed`);
    const landed = otherSeen.at(-1)!;
    expect(landed).toMatchObject({ method: 'POST', url: '/landed', body: 'data' });
    expect(landed.headers['authorization']).toBeUndefined();
    expect(landed.headers['cookie']).toBeUndefined();
    expect(landed.headers['x-kept']).toBe('yes');
    expect(landed.headers['host']).toBe(new URL(other).host);
  });

  it('follows at most 20 redirects', async () => {
    expect((await http(`${base}/hop/19`)).url).toBe(`${base}/done`);
    await expect(http(`${base}/hop/20`)).rejects.toThrow('More than 20 redirects');
  });

  it('answers a redirect without a location as it is', async () => {
    const response = await http(`${base}/no-location`);
    expect(response).toMatchObject({ status: 302, ok: false });
    expect(response.text()).toBe('nowhere');
  });

  it("returns the redirect itself in 'manual' mode and refuses it in 'error' mode", async () => {
    const manual = await http(`${base}/redirect/302/echo`, { redirect: 'manual' });
    expect(manual).toMatchObject({ status: 302, ok: false, url: `${base}/redirect/302/echo` });
    expect(manual.headers['location']).toBe('/echo');
    expect(manual.text()).toBe('moved');
    await expect(http(`${base}/redirect/301/echo`, { redirect: 'error' })).rejects.toThrow(
      /does not follow redirects/,
    );
  });
});

describe('createLimitedFetch over https', () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot trust, naming the cause', async () => {
    dir = mkdtempSync(join(tmpdir(), 'limited-fetch-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    const url = await serve(
      (_req, res) => res.end('secret'),
      createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }),
    );
    await expect(http(`${url}/`)).rejects.toThrow(`The request to ${url} failed: self-signed certificate`);
  });
});
