import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, recordResponses } from '../../accounts/response-leak-check.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser } from '../../testing/test-users.ts';

let provider: OAuth2Server;
let t: TestApp;
let record: { bodies: string[] };
/** Who the provider says signs in next. */
let person: Record<string, unknown> = {};
const tokenRequests: { authorization: string | undefined; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.service.on('beforeTokenSigning', (token, req) => {
    tokenRequests.push({ authorization: req.headers.authorization, body: { ...(req.body as object) } });
    Object.assign(token.payload, person);
  });
  t = await createTestApp({
    env: {
      OIDC_ISSUER: provider.issuer.url!,
      OIDC_CLIENT_ID: 'area-test',
      OIDC_CLIENT_SECRET: 'area-test-secret',
      OIDC_NAME: 'Mock IdP',
    },
  });
  record = recordResponses(t);
  await createTestUser(t);
});
afterAll(async () => {
  await expectNoLeaks(t, record);
  await t.close();
  await provider.stop();
});

/** Browser steps: Area's start, the provider's authorize page (approves at once), Area's callback. */
async function signInThroughProvider(options: { tamperState?: boolean } = {}): Promise<URLSearchParams> {
  const start = await t.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/start?returnTo=/workflows' });
  expect(start.statusCode).toBe(302);
  const cookie = String(start.headers['set-cookie']).split(';')[0]!;
  const authorize = await fetch(String(start.headers['location']), { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const back = new URL(authorize.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe('http://area.test/api/v1/auth/oauth/callback');
  if (options.tamperState) back.searchParams.set('state', 'forged');
  const callback = await t.server.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    headers: { cookie },
  });
  expect(callback.statusCode).toBe(302);
  const landing = new URL(String(callback.headers['location']));
  expect(`${landing.origin}${landing.pathname}`).toBe('http://area.test/auth/callback');
  return new URLSearchParams(landing.hash.slice(1));
}

async function me(accessToken: string) {
  return (
    await t.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${accessToken}` },
    })
  ).json();
}

describe('sign-in with an OpenID Connect provider', () => {
  it('says it is enabled and sends the browser to the provider with PKCE, state and nonce', async () => {
    const config = await t.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/config' });
    expect(config.json()).toEqual({ enabled: true, name: 'Mock IdP' });
    const start = await t.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/start' });
    const location = new URL(String(start.headers['location']));
    expect(`${location.origin}${location.pathname}`).toBe(`${provider.issuer.url}/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'area-test',
      redirect_uri: 'http://area.test/api/v1/auth/oauth/callback',
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    for (const p of ['state', 'nonce', 'code_challenge'])
      expect(location.searchParams.get(p)).toMatch(/^[\w-]{43}$/);
    expect(String(start.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('creates the user on first sign-in, then signs the same user in again', async () => {
    person = {
      sub: 'mock-user-1',
      email: 'New.Person@Example.com',
      email_verified: true,
      name: 'New Person',
    };
    const first = await signInThroughProvider();
    expect(first.get('returnTo')).toBe('/workflows');
    expect(first.get('refreshToken')).toMatch(/^art_/);
    const profile = await me(first.get('accessToken')!);
    expect(profile).toMatchObject({ email: 'new.person@example.com', name: 'New Person', roles: ['member'] });

    const second = await signInThroughProvider();
    expect((await me(second.get('accessToken')!)).id).toBe(profile.id);
    const links = await t.ctx.db
      .selectFrom('user_oauth2_accounts')
      .selectAll()
      .where('user_id', '=', profile.id)
      .execute();
    expect(links).toMatchObject([
      { provider: 'oidc', provider_account_id: 'mock-user-1', email: 'new.person@example.com' },
    ]);
    const users = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'new.person@example.com')
      .execute();
    expect(users).toHaveLength(1);

    // The code went back with the PKCE verifier and the client's credentials.
    const last = tokenRequests.at(-1)!;
    expect(last.body['code_verifier']).toMatch(/^[\w-]{43}$/);
    expect(last.authorization).toBe(`Basic ${Buffer.from('area-test:area-test-secret').toString('base64')}`);
    const actions = await t.ctx.db
      .selectFrom('audit_logs')
      .select('action')
      .where('user_id', '=', profile.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['auth.registered', 'auth.login', 'auth.login']);
  });

  it('links an existing account only when the provider vouches for the email', async () => {
    const existing = await createTestUser(t, { email: `linked-${Date.now()}@example.com` });
    person = { sub: 'mock-user-2', email: existing.email, email_verified: false };
    const refused = await signInThroughProvider();
    expect(refused.get('error')).toBe('email_unverified');
    expect(refused.get('accessToken')).toBeNull();

    person = { sub: 'mock-user-2', email: existing.email, email_verified: true };
    const linked = await signInThroughProvider();
    expect((await me(linked.get('accessToken')!)).id).toBe(existing.id);
  });

  it('refuses a forged state, a missing cookie and a deactivated user', async () => {
    person = { sub: 'mock-user-3', email: 'third@example.com', email_verified: true };
    expect((await signInThroughProvider({ tamperState: true })).get('error')).toBe('invalid_state');
    const noCookie = await t.server.inject({
      method: 'GET',
      url: '/api/v1/auth/oauth/callback?code=x&state=y',
    });
    expect(
      new URLSearchParams(new URL(String(noCookie.headers['location'])).hash.slice(1)).get('error'),
    ).toBe('invalid_state');

    const ok = await signInThroughProvider();
    const id = (await me(ok.get('accessToken')!)).id;
    await t.ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', id).execute();
    expect((await signInThroughProvider()).get('error')).toBe('account_deactivated');
  });

  it('works with a plain OAuth2 provider named by its endpoints, reading who signed in from userinfo', async () => {
    const plain = await createTestApp({
      env: {
        OIDC_AUTHORIZATION_URL: `${provider.issuer.url}/authorize`,
        OIDC_TOKEN_URL: `${provider.issuer.url}/token`,
        OIDC_USERINFO_URL: `${provider.issuer.url}/userinfo`,
        OIDC_CLIENT_ID: 'area-plain',
      },
    });
    const seen: (string | undefined)[] = [];
    const answer = (response: { body: unknown }, req: { headers: Record<string, string | undefined> }) => {
      seen.push(req.headers['authorization']);
      response.body = { sub: 'plain-user-1', email: 'plain@example.com', name: 'Plain User' };
    };
    provider.service.on('beforeUserinfo', answer);
    try {
      const start = await plain.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/start' });
      const cookie = String(start.headers['set-cookie']).split(';')[0]!;
      const back = new URL(
        (await fetch(String(start.headers['location']), { redirect: 'manual' })).headers.get('location')!,
      );
      const callback = await plain.server.inject({
        method: 'GET',
        url: `${back.pathname}${back.search}`,
        headers: { cookie },
      });
      const result = new URLSearchParams(new URL(String(callback.headers['location'])).hash.slice(1));
      expect(result.get('error')).toBeNull();
      const profile = await plain.server.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${result.get('accessToken')}` },
      });
      expect(profile.json()).toMatchObject({ email: 'plain@example.com', name: 'Plain User' });
      expect(seen.at(-1)).toMatch(/^Bearer /);
      // No client secret configured: a public client sends its id in the form instead.
      expect(tokenRequests.at(-1)!.authorization).toBeUndefined();
      expect(tokenRequests.at(-1)!.body['client_id']).toBe('area-plain');
    } finally {
      provider.service.off('beforeUserinfo', answer);
      await plain.close();
    }
  });

  it('is off without configuration', async () => {
    const plain = await createTestApp();
    try {
      expect((await plain.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/config' })).json()).toEqual(
        { enabled: false, name: null },
      );
      expect((await plain.server.inject({ method: 'GET', url: '/api/v1/auth/oauth/start' })).statusCode).toBe(
        404,
      );
    } finally {
      await plain.close();
    }
  });
});
