import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../lib/version.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import { AppError } from './errors.ts';
import { openApiOptions } from './openapi.ts';
import type { App, RouteModule } from './route-module.ts';
import { routeModules } from './routes/index.ts';
import { compileRouteSchemas } from './server.ts';

const probeRoutes: RouteModule = (app) => {
  app.post(
    '/api/v1/test/echo',
    {
      schema: {
        hide: true,
        body: Type.Object(
          {
            name: Type.String({ minLength: 2 }),
            email: Type.String({ format: 'email' }),
            count: Type.Integer(),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => request.body,
  );
  app.get(
    '/api/v1/test/shaped',
    {
      schema: {
        hide: true,
        querystring: Type.Object({ n: Type.Integer() }),
        response: { 200: Type.Object({ shown: Type.String(), n: Type.Integer() }) },
      },
    },
    async (request) => ({ shown: 'yes', n: request.query.n, secret: 'not in the schema' }),
  );
  app.get('/api/v1/test/conflict', { schema: { hide: true } }, async () => {
    throw new AppError('conflict', 'email: is already registered', { details: { field: 'email' } });
  });
  app.get('/api/v1/test/crash', { schema: { hide: true } }, async () => {
    throw new Error('database password is hunter2');
  });
};

describe(`HTTP server (${TEST_DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ extraRoutes: [probeRoutes] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports health with the database in use', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: { kind: TEST_DB_KIND, ok: true } });
  });

  it('gives every response a request id, and keeps one the client sent', async () => {
    const fresh = await t.server.inject({ method: 'GET', url: '/api/v1/health' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.server.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/v1/nothing-here' },
    });
  });

  it('names every invalid field and its rule', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'x', email: 'nope', extra: true },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    const problems = body.error.details.problems as { path: string; rule: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', rule: 'minLength' }),
        expect.objectContaining({ path: 'email', rule: 'format' }),
        expect.objectContaining({ path: 'count', rule: 'required' }),
        expect.objectContaining({ path: 'extra', rule: 'additionalProperties' }),
      ]),
    );
    expect(body.error.message).toMatch(/^(name|email|count|extra): /);
  });

  it('coerces query strings and shapes responses by their schemas', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/test/shaped?n=42' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ shown: 'yes', n: 42 });
    const bad = await t.server.inject({ method: 'GET', url: '/api/v1/test/shaped?n=many' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems).toEqual([expect.objectContaining({ path: 'n', rule: 'type' })]);
  });

  it('compiles the schema of every route (they are compiled on first use when serving)', () => {
    expect(compileRouteSchemas(t.server)).toBeGreaterThan(100);
    expect(compileRouteSchemas(t.server)).toBe(0);
  });

  it('maps AppError codes to statuses with details', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/test/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: { code: 'conflict', message: 'email: is already registered', details: { field: 'email' } },
    });
  });

  it('hides the text of unexpected errors', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/test/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
  });

  it('rejects malformed JSON with a 400', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('serves the OpenAPI document and its viewer', async () => {
    const doc = await t.server.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.paths['/api/v1/health']).toBeDefined();
    expect(spec.paths['/api/v1/test/echo']).toBeUndefined();
    const ui = await t.server.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.body).toContain('swagger-ui');
    expect(ui.headers['x-request-id']).toBeDefined();
    const bare = await t.server.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(bare.statusCode);
    const shown = await t.server.inject({ method: 'GET', url: '/api/docs/json' });
    expect(shown.json().paths['/api/v1/health']).toBeDefined();
    const asset = await t.server.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/text\/css/);
    expect(asset.headers['content-security-policy']).toContain("default-src 'self'");
    expect(asset.rawPayload.length).toBe(Number(asset.headers['content-length']));
  });

  it('builds the OpenAPI document the swagger plugin builds when registered at start', async () => {
    // The same routes in a server with the plugin registered before them, as it used to be.
    const eager = Fastify();
    await eager.register(swagger, openApiOptions(VERSION, t.ctx.config.publicUrl));
    for (const register of [...routeModules, probeRoutes])
      await register(eager as unknown as App, { ...t.ctx, version: VERSION });
    await eager.ready();
    try {
      const expected = eager.swagger();
      expect(Object.keys((expected as { paths: object }).paths).length).toBeGreaterThan(50);
      expect(t.server.swagger()).toEqual(expected);
      expect(t.server.swagger({ yaml: true })).toBe(eager.swagger({ yaml: true }));
      const served = await t.server.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(served.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    } finally {
      await eager.close();
    }
  });

  it('exposes Prometheus metrics', async () => {
    await t.server.inject({ method: 'GET', url: '/api/v1/health' });
    const res = await t.server.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/area_http_requests_total\{[^}]*route="\/api\/v1\/health"[^}]*\} \d+/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });
});
