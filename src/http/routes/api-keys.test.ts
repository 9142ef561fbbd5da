import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyUsageOf } from '../../accounts/api-key-usage.ts';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { requireAuth } from '../auth.ts';
import type { RouteModule } from '../route-module.ts';

// Two guarded routes standing for any room's read and write routes.
const probeRoutes: RouteModule = (app, ctx) => {
  const deps = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  app.get('/test/read', { preHandler: requireAuth(deps, 'workflows:read') }, async () => ({ ok: true }));
  app.post('/test/write', { preHandler: requireAuth(deps, 'workflows:write') }, async () => ({ ok: true }));
};

let t: TestApp;
let record: { bodies: string[] };

beforeAll(async () => {
  t = await createTestApp({ extraRoutes: [probeRoutes] });
  record = recordResponses(t);
  await createTestUser(t);
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
});

async function createKey(user: TestUser, payload: object) {
  return t.server.inject({ method: 'POST', url: '/api/v1/api-keys', headers: user.headers, payload });
}

function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}

describe('API keys', () => {
  it('creation shows the key once; lists and reads never show it nor its hash', async () => {
    const user = await createTestUser(t);
    const res = await createKey(user, { name: 'ci', scopes: ['workflows:read', 'executions:read'] });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.key).toMatch(/^area_[A-Za-z0-9]{40}$/);
    expect(created).toMatchObject({
      name: 'ci',
      prefix: created.key.slice(0, 12),
      scopes: ['workflows:read', 'executions:read'],
      usageCount: 0,
      isActive: true,
    });
    const list = await t.server.inject({ method: 'GET', url: '/api/v1/api-keys', headers: user.headers });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).not.toHaveProperty('key');
    expect(list.body).not.toContain(created.key);
    const one = await t.server.inject({
      method: 'GET',
      url: `/api/v1/api-keys/${created.id}`,
      headers: user.headers,
    });
    expect(one.json()).toMatchObject({ id: created.id, prefix: created.prefix });
    expect(one.json()).not.toHaveProperty('key');
    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('action', '=', 'api_key.created')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('a read-only key reads but gets 403 on a write; a signed-in user may do both', async () => {
    const user = await createTestUser(t);
    const key = (await createKey(user, { name: 'read only', scopes: ['workflows:read'] })).json()
      .key as string;
    expect(
      (await t.server.inject({ method: 'GET', url: '/test/read', headers: bearer(key) })).statusCode,
    ).toBe(200);
    const write = await t.server.inject({
      method: 'POST',
      url: '/test/write',
      headers: bearer(key),
      payload: {},
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.details).toEqual({ scope: 'workflows:write' });
    expect(
      (await t.server.inject({ method: 'POST', url: '/test/write', headers: user.headers, payload: {} }))
        .statusCode,
    ).toBe(200);
    // X-API-Key works too.
    expect(
      (await t.server.inject({ method: 'GET', url: '/test/read', headers: { 'x-api-key': key } })).statusCode,
    ).toBe(200);
  });

  it('counts uses off the request path, written on flush', async () => {
    const user = await createTestUser(t);
    const created = (await createKey(user, { name: 'counted' })).json();
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await t.server.inject({ method: 'GET', url: '/test/read', headers: bearer(created.key) }))
          .statusCode,
      ).toBe(200);
    }
    await apiKeyUsageOf(t.ctx.db)!.flush();
    const row = await t.ctx.db
      .selectFrom('api_keys')
      .select(['usage_count', 'last_used_at'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.usage_count).toBe(3);
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('a revoked or expired key answers 401; revocation is audited', async () => {
    const user = await createTestUser(t);
    const created = (await createKey(user, { name: 'short lived' })).json();
    const del = await t.server.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${created.id}`,
      headers: user.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.server.inject({ method: 'GET', url: '/test/read', headers: bearer(created.key) })).statusCode,
    ).toBe(401);
    expect(
      (
        await t.server.inject({
          method: 'DELETE',
          url: `/api/v1/api-keys/${created.id}`,
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(404);
    const listed = await t.server.inject({
      method: 'GET',
      url: '/api/v1/api-keys?includeRevoked=true',
      headers: user.headers,
    });
    expect(listed.json().items[0]).toMatchObject({
      id: created.id,
      isActive: false,
      revokedAt: expect.any(String),
    });
    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .select('entity_id')
      .where('action', '=', 'api_key.revoked')
      .execute();
    expect(audit.map((a) => a.entity_id)).toContain(created.id);

    const expiring = (
      await createKey(user, { name: 'expiring', expiresAt: new Date(Date.now() + 60_000).toISOString() })
    ).json();
    await t.ctx.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.id)
      .execute();
    const res = await t.server.inject({ method: 'GET', url: '/test/read', headers: bearer(expiring.key) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
  });

  it('rejects unknown scopes, the admin scope for members, past expiry and a duplicate name', async () => {
    const user = await createTestUser(t);
    const unknown = await createKey(user, { name: 'x', scopes: ['everything'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.problems[0].path).toMatch(/^scopes/);
    const admin = await createKey(user, { name: 'x', scopes: ['admin'] });
    expect(admin.json().error.details.problems[0]).toMatchObject({ path: 'scopes', rule: 'admin_only' });
    const past = await createKey(user, { name: 'x', expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.json().error.details.problems[0]).toMatchObject({ path: 'expiresAt', rule: 'future' });
    expect((await createKey(user, { name: 'same' })).statusCode).toBe(201);
    const dup = await createKey(user, { name: 'same' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details).toEqual({ field: 'name' });
  });

  it('an API key cannot manage API keys', async () => {
    const user = await createTestUser(t);
    const key = (
      await createKey(user, { name: 'full', scopes: ['workflows:read', 'workflows:write'] })
    ).json().key as string;
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(key),
      payload: { name: 'more' },
    });
    expect(res.statusCode).toBe(403);
    expect(
      (await t.server.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) })).statusCode,
    ).toBe(200);
  });

  it('pages the list with a cursor', async () => {
    const user = await createTestUser(t);
    for (const name of ['a', 'b', 'c']) await createKey(user, { name });
    const first = (
      await t.server.inject({ method: 'GET', url: '/api/v1/api-keys?limit=2', headers: user.headers })
    ).json();
    expect(first.items.map((k: { name: string }) => k.name)).toEqual(['c', 'b']);
    const second = (
      await t.server.inject({
        method: 'GET',
        url: `/api/v1/api-keys?limit=2&cursor=${first.nextCursor}`,
        headers: user.headers,
      })
    ).json();
    expect(second).toMatchObject({ items: [{ name: 'a' }], nextCursor: null });
  });
});
