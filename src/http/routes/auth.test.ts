import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../accounts/access-tokens.ts';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser } from '../../testing/test-users.ts';

let t: TestApp;
let record: { bodies: string[] };
let n = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_IP: '1000', AUTH_RATE_LIMIT_PER_ACCOUNT: '5' } });
  record = recordResponses(t);
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
});

function email(): string {
  n += 1;
  return `Person${n}.${Date.now()}@Example.com`;
}

function post(url: string, payload: object, headers: Record<string, string> = {}) {
  return t.server.inject({ method: 'POST', url, payload, headers });
}

async function auditActions(userId: string | null, action: string) {
  let q = t.ctx.db.selectFrom('audit_logs').selectAll().where('action', '=', action);
  q = userId ? q.where('user_id', '=', userId) : q.where('user_id', 'is', null);
  return q.execute();
}

describe('register', () => {
  it('creates the account, lower-cases the email, signs in and is audited; the first user is admin', async () => {
    const address = email();
    const res = await post('/api/v1/auth/register', {
      email: address,
      password: 'long enough pw',
      name: 'Ada',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      user: {
        email: address.toLowerCase(),
        name: 'Ada',
        isAdmin: true,
        roles: ['admin', 'member'],
        planType: 'free',
      },
      expiresIn: 900,
    });
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body.refreshToken).toMatch(/^art_/);
    const me = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.json()).toMatchObject({ id: body.user.id, email: address.toLowerCase() });
    expect(await auditActions(body.user.id, 'auth.registered')).toHaveLength(1);

    const second = await post('/api/v1/auth/register', { email: email(), password: 'long enough pw' });
    expect(second.json().user).toMatchObject({ isAdmin: false, roles: ['member'] });
  });

  it('answers 409 naming the field for a taken email, whatever its case', async () => {
    const address = email();
    expect(
      (await post('/api/v1/auth/register', { email: address, password: 'long enough pw' })).statusCode,
    ).toBe(201);
    const res = await post('/api/v1/auth/register', {
      email: address.toUpperCase(),
      password: 'long enough pw',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'conflict', details: { field: 'email' } });
    expect(res.json().error.message).toMatch(/^email/);
  });

  it('answers 400 naming the rule for a weak password or a malformed email', async () => {
    const short = await post('/api/v1/auth/register', { email: email(), password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.problems[0]).toMatchObject({ path: 'password', rule: 'min_length' });
    const address = email();
    const same = await post('/api/v1/auth/register', { email: address, password: address.toLowerCase() });
    expect(same.json().error.details.problems[0]).toMatchObject({ path: 'password', rule: 'not_email' });
    const bad = await post('/api/v1/auth/register', { email: 'not-an-email', password: 'long enough pw' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems[0]).toMatchObject({ path: 'email', rule: 'format' });
  });
});

describe('login', () => {
  it('signs in, and a wrong password answers 401 with the same message as an unknown email, audited', async () => {
    const user = await createTestUser(t);
    const ok = await post('/api/v1/auth/login', { email: user.email.toUpperCase(), password: user.password });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { id: user.id }, expiresIn: 900 });
    expect(await auditActions(user.id, 'auth.login')).toHaveLength(1);

    const wrong = await post('/api/v1/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    const failed = await auditActions(user.id, 'auth.login_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ details: { reason: 'wrong_password' }, ip_address: '127.0.0.1' });
    expect(
      (await auditActions(null, 'auth.login_failed')).some(
        (r) => (r.details as { email?: string }).email === 'nobody@example.com',
      ),
    ).toBe(true);
  });

  it('refuses a deactivated user', async () => {
    const user = await createTestUser(t);
    await t.ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', user.id).execute();
    const res = await post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/deactivated/);
    const me = await t.server.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });
    expect(me.statusCode).toBe(401);
  });

  it('answers 429 with Retry-After after too many failures for one account, even when the password is then right', async () => {
    const user = await createTestUser(t);
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await post('/api/v1/auth/login', { email: user.email, password: `guess number ${i}` })).statusCode,
      ).toBe(401);
    }
    const blocked = await post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error.code).toBe('rate_limited');
    // Another account from the same address is not blocked by this one.
    const other = await createTestUser(t);
    expect(
      (await post('/api/v1/auth/login', { email: other.email, password: other.password })).statusCode,
    ).toBe(200);
  });
});

describe('limits per IP', () => {
  it('answers 429 to one address failing on many accounts, and counts sign-ups too', async () => {
    const small = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_IP: '3' } });
    try {
      // Successful sign-ins cost nothing: many people may share one address.
      const user = await createTestUser(small);
      for (let i = 0; i < 4; i += 1) {
        const ok = await small.server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: user.password },
        });
        expect(ok.statusCode).toBe(200);
      }
      for (let i = 0; i < 3; i += 1) {
        const res = await small.server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `x${i}@example.com`, password: 'whatever pw' },
        });
        expect(res.statusCode).toBe(401);
      }
      const login = await small.server.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'x9@example.com', password: 'whatever pw' },
      });
      expect(login.statusCode).toBe(429);
      const register = await small.server.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: 'fresh@example.com', password: 'long enough pw' },
      });
      expect(register.statusCode).toBe(429);
      expect(register.headers['retry-after']).toBeDefined();
      const elsewhere = await small.server.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress: '10.1.2.3',
        payload: { email: 'fresh@example.com', password: 'long enough pw' },
      });
      expect(elsewhere.statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('refresh and logout', () => {
  async function signIn() {
    const user = await createTestUser(t);
    const res = await post('/api/v1/auth/login', { email: user.email, password: user.password });
    return { user, tokens: res.json() as { accessToken: string; refreshToken: string } };
  }

  it('rotates: each refresh gives a new pair and the new access token works', async () => {
    const { tokens } = await signIn();
    const first = await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(first.statusCode).toBe(200);
    const next = first.json();
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.expiresIn).toBe(900);
    const second = await post('/api/v1/auth/refresh', { refreshToken: next.refreshToken });
    expect(second.statusCode).toBe(200);
    const me = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${second.json().accessToken}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it('reuse of a used refresh token revokes the whole family and is audited', async () => {
    const { user, tokens } = await signIn();
    const rotated = (await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken })).json();
    const reuse = await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.details).toEqual({ reason: 'reused' });
    // The legitimate holder's newer token is dead too.
    const after = await post('/api/v1/auth/refresh', { refreshToken: rotated.refreshToken });
    expect(after.statusCode).toBe(401);
    const rows = await t.ctx.db
      .selectFrom('refresh_tokens')
      .select(['revoked_at'])
      .where('user_id', '=', user.id)
      .execute();
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    expect(await auditActions(user.id, 'auth.refresh_token_reused')).toHaveLength(1);
  });

  it('reuse leaves the user’s other sessions alone', async () => {
    const { user, tokens } = await signIn();
    const other = (await post('/api/v1/auth/login', { email: user.email, password: user.password })).json();
    await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect((await post('/api/v1/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });

  it('logout ends the session; an unknown token answers 401 on refresh', async () => {
    const { tokens } = await signIn();
    expect((await post('/api/v1/auth/logout', { refreshToken: tokens.refreshToken })).statusCode).toBe(204);
    const res = await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(res.statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: 'art_nothing' })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/logout', { refreshToken: 'art_nothing' })).statusCode).toBe(204);
  });

  it('an expired refresh token answers 401', async () => {
    const { user, tokens } = await signIn();
    await t.ctx.db
      .updateTable('refresh_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', user.id)
      .execute();
    const res = await post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.details).toEqual({ reason: 'expired' });
  });
});

describe('access tokens', () => {
  it('an expired access token answers 401 saying so', async () => {
    const user = await createTestUser(t);
    const token = await issueAccessToken(t.ctx.jwtSecret, { userId: user.id, isAdmin: false }, -10);
    const res = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
  });

  it('a token signed with another secret, or none, answers 401', async () => {
    const user = await createTestUser(t);
    const forged = await issueAccessToken(new TextEncoder().encode('another-secret-another-secret-0000'), {
      userId: user.id,
      isAdmin: true,
    });
    const res = await t.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(res.statusCode).toBe(401);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });
});
