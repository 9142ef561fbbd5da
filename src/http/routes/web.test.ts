import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, webBuildIsStale } from '../../../web/build.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe('the web app route', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (webBuildIsStale()) await buildWeb();
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('serves the app at / with a content security policy', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.body).toContain('<div id="root">');
  });

  it('answers client-side routes with the app', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/workflows/123?tab=runs' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<div id="root">');
  });

  it('serves hashed assets as long-lived files and 404s a missing one', async () => {
    const index = (await t.server.inject({ method: 'GET', url: '/' })).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(script).toBeDefined();
    const asset = await t.server.inject({ method: 'GET', url: script! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await t.server.inject({ method: 'GET', url: '/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
  });

  it('never serves files outside the build', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/..%2f..%2fpackage.json']) {
      const response = await t.server.inject({ method: 'GET', url });
      expect(response.body).not.toContain('"dependencies"');
    }
  });

  it('leaves unknown API, hook and metrics paths to the API as JSON 404s', async () => {
    for (const url of ['/api/v1/no-such-thing', '/api', '/hooks']) {
      const response = await t.server.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});
