import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';

let t: TestApp;
let record: { bodies: string[] };
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  record = recordResponses(t);
  admin = await createTestUser(t, { admin: true });
  alice = await createTestUser(t);
  bob = await createTestUser(t);
  for (const user of [alice, bob]) {
    await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    await t.server.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: user.headers,
      payload: { name: 'k' },
    });
  }
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
});

function get(url: string, user: TestUser) {
  return t.server.inject({
    method: 'GET',
    url,
    headers: { ...user.headers, 'user-agent': 'audit-test/1.0' },
  });
}

describe('GET /audit-logs', () => {
  it('shows a member only their own entries, with actor, entity, ip and user agent', async () => {
    const res = await get('/api/v1/audit-logs', alice);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { userId: string; action: string }[];
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((i) => i.userId === alice.id)).toBe(true);
    expect(items.map((i) => i.action)).toEqual(['api_key.created', 'auth.login']);
    expect(res.json().items[0]).toMatchObject({
      entityType: 'api_key',
      ipAddress: '127.0.0.1',
      details: { name: 'k' },
    });
    const forbidden = await get(`/api/v1/audit-logs?userId=${bob.id}`, alice);
    expect(forbidden.statusCode).toBe(403);
  });

  it('shows an admin everyone’s, filterable by actor, action (or a prefix), entity and time', async () => {
    const all = (await get('/api/v1/audit-logs?limit=100', admin)).json().items as { userId: string }[];
    expect(new Set(all.map((i) => i.userId))).toEqual(new Set([alice.id, bob.id]));
    const bobs = (await get(`/api/v1/audit-logs?userId=${bob.id}`, admin)).json().items as {
      userId: string;
    }[];
    expect(bobs.every((i) => i.userId === bob.id)).toBe(true);
    const logins = (await get('/api/v1/audit-logs?action=auth.login', admin)).json().items;
    expect(logins).toHaveLength(2);
    const authFamily = (await get('/api/v1/audit-logs?action=auth.', admin)).json().items;
    expect(authFamily).toHaveLength(2);
    const keys = (await get('/api/v1/audit-logs?entityType=api_key', admin)).json().items;
    expect(keys).toHaveLength(2);
    const future = (
      await get(`/api/v1/audit-logs?from=${new Date(Date.now() + 60_000).toISOString()}`, admin)
    ).json();
    expect(future.items).toEqual([]);
  });

  it('pages with a cursor, newest first', async () => {
    const first = (await get('/api/v1/audit-logs?limit=3', admin)).json();
    expect(first.items).toHaveLength(3);
    const second = (await get(`/api/v1/audit-logs?limit=3&cursor=${first.nextCursor}`, admin)).json();
    expect(second.items[0].id < first.items[2].id).toBe(true);
  });

  it('reads one entry: own or, for admins, anyone’s', async () => {
    const entry = (await get('/api/v1/audit-logs', alice)).json().items[0];
    expect((await get(`/api/v1/audit-logs/${entry.id}`, alice)).json()).toEqual(entry);
    expect((await get(`/api/v1/audit-logs/${entry.id}`, admin)).statusCode).toBe(200);
    expect((await get(`/api/v1/audit-logs/${entry.id}`, bob)).statusCode).toBe(404);
  });
});

describe('recordAudit', () => {
  it('works inside a transaction, keeps secrets out and moves odd values into details', async () => {
    await t.ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        userId: alice.id,
        action: 'connection.updated',
        entityType: 'connection',
        entityId: 'not-a-uuid',
        changes: { name: ['a', 'b'], credentials: { apiKey: 'sk-live-secret' }, clientSecret: 'shh' },
        details: { accessToken: 'tok' },
        ip: 'not an ip',
        userAgent: 'ua',
      });
    });
    const row = await t.ctx.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('action', '=', 'connection.updated')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ entity_id: null, ip_address: null, user_agent: 'ua' });
    expect(row.details).toEqual({ accessToken: '[redacted]', entityKey: 'not-a-uuid' });
    expect(row.changes).toEqual({ name: ['a', 'b'], credentials: '[redacted]', clientSecret: '[redacted]' });
    expect(JSON.stringify(row)).not.toContain('sk-live-secret');
  });
});
