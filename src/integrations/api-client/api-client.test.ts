import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFetch } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { buildUrl, createApiClient } from './api-client.ts';
import { ApiError } from './api-error.ts';
import { retryAfterMs } from './retry-after.ts';

describe('api client', () => {
  let fake: FakeServer;
  const client = (extra: Partial<Parameters<typeof createApiClient>[0]> = {}) =>
    createApiClient({
      service: 'Example',
      http: testFetch(),
      signal: new AbortController().signal,
      baseUrl: `${fake.url}/api/`,
      ...extra,
    });
  beforeAll(async () => {
    fake = await startFakeServer();
  });
  afterAll(() => fake.close());

  it('reads Retry-After as seconds, HTTP date or retry-after-ms', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(
      retryAfterMs({ 'retry-after': 'Mon, 23 Nov 2026 10:00:05 GMT' }, Date.parse('2026-11-23T10:00:00Z')),
    ).toBe(5000);
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '1' })).toBe(250);
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('joins base URL, path and query (lists repeat, empties are left out)', () => {
    expect(buildUrl('http://h/v1/', '/items', { a: 1, b: undefined, c: ['x', 'y'] }).toString()).toBe(
      'http://h/v1/items?a=1&c=x&c=y',
    );
    expect(buildUrl('http://h/v1', 'https://other.example/feed').toString()).toBe(
      'https://other.example/feed',
    );
  });

  it('fails at once, saying when to retry, when the asked wait is too long', async () => {
    fake.once('GET /api/slow', {
      status: 429,
      headers: { 'retry-after': '3600' },
      json: { message: 'Slow down' },
    });
    const error = await client()
      .json({ path: '/slow' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(
      'Example answered 429: rate limited (retry after 3600 s): Slow down',
    );
    expect((error as ApiError).retryable).toBe(true);
  });

  it('gives up after the bounded number of retries', async () => {
    let calls = 0;
    fake.on('GET /api/busy', () => {
      calls += 1;
      return { status: 503, headers: { 'retry-after': '0' }, body: 'busy' };
    });
    await expect(client({ maxRetries: 2 }).json({ path: '/busy' })).rejects.toThrow(
      'Example answered 503: busy',
    );
    expect(calls).toBe(3);
  });

  it('refreshes credentials once after a 401 and repeats the call', async () => {
    let token = 'old';
    fake.on('GET /api/me', (req) =>
      req.headers['authorization'] === 'Bearer new'
        ? { json: { ok: true } }
        : { status: 401, json: { error: 'invalid_token' } },
    );
    const api = client({
      headers: () => ({ authorization: `Bearer ${token}` }),
      refresh: async () => {
        token = 'new';
        return true;
      },
    });
    await expect(api.json({ path: '/me' })).resolves.toEqual({ ok: true });
    token = 'old';
    const once = client({ headers: () => ({ authorization: 'Bearer old' }), refresh: async () => true });
    await expect(once.json({ path: '/me' })).rejects.toThrow('Example answered 401: invalid_token');
  });

  it('says so when a success is not JSON', async () => {
    fake.on('GET /api/html', { body: '<html></html>' });
    await expect(client().json({ path: '/html' })).rejects.toThrow(
      'the answer is not JSON; check the base URL',
    );
  });
});
