import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser } from '../../testing/test-users.ts';

let t: TestApp;
let record: { bodies: string[] };

beforeAll(async () => {
  t = await createTestApp();
  record = recordResponses(t);
  await createTestUser(t);
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
});

describe('GET/PATCH /me', () => {
  it('answers the profile in the agreed shape', async () => {
    const user = await createTestUser(t);
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(
      [
        'id',
        'email',
        'username',
        'name',
        'avatarUrl',
        'timezone',
        'planType',
        'creditsUsed',
        'creditsLimit',
        'onboardingCompleted',
        'isAdmin',
        'roles',
        'createdAt',
      ].sort(),
    );
    expect(res.json()).toMatchObject({
      id: user.id,
      timezone: 'UTC',
      planType: 'free',
      creditsUsed: 0,
      creditsLimit: 1000,
      isAdmin: false,
      roles: ['member'],
    });
  });

  it('changes name, username, avatar and time zone, audited; plan and credits are read-only', async () => {
    const user = await createTestUser(t);
    const res = await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: {
        name: 'New Name',
        username: 'new.name',
        avatarUrl: 'https://example.com/a.png',
        timezone: 'Europe/Paris',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'New Name',
      username: 'new.name',
      avatarUrl: 'https://example.com/a.png',
      timezone: 'Europe/Paris',
    });
    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('action', '=', 'user.updated')
      .executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ timezone: ['UTC', 'Europe/Paris'] });
    const plan = await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { planType: 'pro' },
    });
    expect(plan.statusCode).toBe(400);
    expect(plan.json().error.details.problems[0]).toMatchObject({
      path: 'planType',
      rule: 'additionalProperties',
    });
  });

  it('names the field and rule of a bad value, and 409 for a taken username', async () => {
    const user = await createTestUser(t);
    const other = await createTestUser(t);
    await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: other.headers,
      payload: { username: 'taken_name' },
    });
    const tz = await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { timezone: 'Mars/Olympus' },
    });
    expect(tz.json().error.details.problems[0]).toMatchObject({ path: 'timezone', rule: 'timezone' });
    const name = await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { username: 'no spaces allowed' },
    });
    expect(name.json().error.details.problems[0]).toMatchObject({ path: 'username', rule: 'pattern' });
    const taken = await t.server.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { username: 'TAKEN_name' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.details).toEqual({ field: 'username' });
  });
});

describe('preferences', () => {
  it('sets, reads, lists and removes any JSON value under a key', async () => {
    const user = await createTestUser(t);
    const put = await t.server.inject({
      method: 'PUT',
      url: '/api/v1/me/preferences/editor.layout',
      headers: user.headers,
      payload: { value: { panels: ['left', 'right'], zoom: 1.5 } },
    });
    expect(put.statusCode).toBe(200);
    await t.server.inject({
      method: 'PUT',
      url: '/api/v1/me/preferences/editor.layout',
      headers: user.headers,
      payload: { value: false },
    });
    const get = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me/preferences/editor.layout',
      headers: user.headers,
    });
    expect(get.json()).toMatchObject({ key: 'editor.layout', value: false });
    const list = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me/preferences',
      headers: user.headers,
    });
    expect(list.json().items).toEqual([expect.objectContaining({ key: 'editor.layout', value: false })]);
    expect(
      (
        await t.server.inject({
          method: 'DELETE',
          url: '/api/v1/me/preferences/editor.layout',
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await t.server.inject({
          method: 'GET',
          url: '/api/v1/me/preferences/editor.layout',
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('rejects a bad key, a missing value and a huge value', async () => {
    const user = await createTestUser(t);
    const bad = await t.server.inject({
      method: 'PUT',
      url: '/api/v1/me/preferences/has%20space',
      headers: user.headers,
      payload: { value: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems[0].path).toBe('key');
    const missing = await t.server.inject({
      method: 'PUT',
      url: '/api/v1/me/preferences/k',
      headers: user.headers,
      payload: {},
    });
    expect(missing.json().error.details.problems[0]).toMatchObject({ path: 'value', rule: 'required' });
    const huge = await t.server.inject({
      method: 'PUT',
      url: '/api/v1/me/preferences/k',
      headers: user.headers,
      payload: { value: 'x'.repeat(70_000) },
    });
    expect(huge.json().error.details.problems[0]).toMatchObject({ path: 'value', rule: 'max_size' });
  });
});

describe('POST /me/password', () => {
  it('needs the current password, applies the policy, ends other sessions and starts a new one', async () => {
    const user = await createTestUser(t);
    const login = (
      await t.server.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      })
    ).json();
    const wrong = await t.server.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: { currentPassword: 'nope nope nope', newPassword: 'a new long password' },
    });
    expect(wrong.json().error.details.problems[0]).toMatchObject({
      path: 'currentPassword',
      rule: 'matches',
    });
    const weak = await t.server.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: { currentPassword: user.password, newPassword: 'short' },
    });
    expect(weak.json().error.details.problems[0]).toMatchObject({ path: 'newPassword', rule: 'min_length' });
    const ok = await t.server.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: { currentPassword: user.password, newPassword: 'a new long password' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().refreshToken).toMatch(/^art_/);
    expect(
      (
        await t.server.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: login.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await t.server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: user.password },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await t.server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: 'a new long password' },
        })
      ).statusCode,
    ).toBe(200);
  });
});
