import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';

let t: TestApp;
let record: { bodies: string[] };
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  record = recordResponses(t);
  admin = await createTestUser(t, { admin: true });
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
});

function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser = admin) {
  return t.server.inject({ method, url, headers: user.headers });
}

async function signIn(user: TestUser) {
  return t.server.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password },
  });
}

describe('admin endpoints', () => {
  it('are 403 for a member', async () => {
    const member = await createTestUser(t);
    for (const [method, url] of [
      ['GET', '/api/v1/admin/users'],
      ['GET', '/api/v1/admin/roles'],
      ['GET', `/api/v1/admin/users/${admin.id}`],
      ['POST', `/api/v1/admin/users/${admin.id}/deactivate`],
      ['POST', `/api/v1/admin/users/${admin.id}/activate`],
      ['DELETE', `/api/v1/admin/users/${admin.id}`],
      ['PUT', `/api/v1/admin/users/${member.id}/roles/admin`],
      ['DELETE', `/api/v1/admin/users/${admin.id}/roles/admin`],
    ] as const) {
      const res = await call(method, url, member);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('lists users with their roles, searchable', async () => {
    const member = await createTestUser(t, { email: `findme-${Date.now()}@example.com` });
    const all = await call('GET', '/api/v1/admin/users?limit=100');
    expect(all.statusCode).toBe(200);
    expect(all.json().items.find((u: { id: string }) => u.id === admin.id)).toMatchObject({
      isAdmin: true,
      roles: ['admin', 'member'],
    });
    const found = await call('GET', '/api/v1/admin/users?q=FINDME');
    expect(found.json().items.map((u: { id: string }) => u.id)).toEqual([member.id]);
    const roles = await call('GET', '/api/v1/admin/roles');
    expect(roles.json().items.map((r: { name: string }) => r.name)).toEqual(['admin', 'member']);
  });

  it('deactivation blocks sign-in, revokes sessions and keys stop working; activation restores sign-in', async () => {
    const member = await createTestUser(t);
    const session = (await signIn(member)).json();
    const key = (
      await t.server.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: member.headers,
        payload: { name: 'k' },
      })
    ).json().key;
    const res = await call('POST', `/api/v1/admin/users/${member.id}/deactivate`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ isActive: false });
    expect((await signIn(member)).statusCode).toBe(403);
    expect(
      (
        await t.server.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: session.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await t.server.inject({ method: 'GET', url: '/api/v1/me', headers: member.headers })).statusCode,
    ).toBe(401);
    expect(
      (
        await t.server.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${key}` },
        })
      ).statusCode,
    ).toBe(401);
    const revoked = await t.ctx.db
      .selectFrom('refresh_tokens')
      .select('revoked_at')
      .where('user_id', '=', member.id)
      .execute();
    expect(revoked.every((r) => r.revoked_at)).toBe(true);
    expect((await call('POST', `/api/v1/admin/users/${member.id}/activate`)).json()).toMatchObject({
      isActive: true,
    });
    expect((await signIn(member)).statusCode).toBe(200);
    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .select('action')
      .where('entity_id', '=', member.id)
      .where('user_id', '=', admin.id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['user.activated', 'user.deactivated']);
  });

  it('soft delete keeps the row, ends access and frees the email', async () => {
    const member = await createTestUser(t);
    expect((await call('DELETE', `/api/v1/admin/users/${member.id}`)).statusCode).toBe(204);
    const row = await t.ctx.db
      .selectFrom('users')
      .select(['deleted_at', 'is_active'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ is_active: false, deleted_at: expect.any(Date) });
    expect((await signIn(member)).statusCode).toBe(401);
    expect(
      (await call('GET', '/api/v1/admin/users?limit=100')).json().items.map((u: { id: string }) => u.id),
    ).not.toContain(member.id);
    expect(
      (await call('GET', '/api/v1/admin/users?limit=100&includeDeleted=true'))
        .json()
        .items.map((u: { id: string }) => u.id),
    ).toContain(member.id);
    expect((await call('DELETE', `/api/v1/admin/users/${member.id}`)).statusCode).toBe(404);
    const again = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: member.email, password: 'long enough pw' },
    });
    expect(again.statusCode).toBe(201);
  });

  it('assigns and removes roles, audited; the new admin can administer', async () => {
    const member = await createTestUser(t);
    const given = await call('PUT', `/api/v1/admin/users/${member.id}/roles/admin`);
    expect(given.json()).toMatchObject({ isAdmin: true, roles: ['admin', 'member'] });
    expect((await call('GET', '/api/v1/admin/users', member)).statusCode).toBe(200);
    const taken = await call('DELETE', `/api/v1/admin/users/${member.id}/roles/admin`);
    expect(taken.json()).toMatchObject({ isAdmin: false, roles: ['member'] });
    expect((await call('GET', '/api/v1/admin/users', member)).statusCode).toBe(403);
    expect((await call('PUT', `/api/v1/admin/users/${member.id}/roles/wizard`)).statusCode).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('entity_id', '=', member.id)
      .where('action', 'like', 'user.role_%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.user_id, (a.details as { role: string }).role])).toEqual([
      ['user.role_assigned', admin.id, 'admin'],
      ['user.role_removed', admin.id, 'admin'],
    ]);
    expect(audit[0]!.changes).toEqual({ roles: [['member'], ['admin', 'member']] });
  });

  it('keeps at least one active admin', async () => {
    const solo = await createTestApp();
    try {
      const only = await createTestUser(solo, { admin: true });
      for (const [method, url] of [
        ['POST', `/api/v1/admin/users/${only.id}/deactivate`],
        ['DELETE', `/api/v1/admin/users/${only.id}`],
        ['DELETE', `/api/v1/admin/users/${only.id}/roles/admin`],
      ] as const) {
        const res = await solo.server.inject({ method, url, headers: only.headers });
        expect(res.statusCode, `${method} ${url}`).toBe(409);
      }
    } finally {
      await solo.close();
    }
  });
});
