import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import { standaloneActionContext } from '../catalog/test-context.ts';
import { oauth2RequestAction } from '../integrations/oauth2/actions/request.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { type AccessDeps, ConnectionUnavailableError, loadConnectionForRun } from './connection-access.ts';
import type { OAuth2Credentials } from './oauth2-client.ts';

describe('OAuth2 connect flow against oauth2-mock-server', () => {
  let provider: OAuth2Server;
  let api: Server;
  let apiUrl: string;
  let t: TestApp;
  let user: TestUser;
  let access: AccessDeps;
  const grants: string[] = [];
  const issued: string[] = [];
  const revoked = new Set<string>();
  let refuseRefresh = false;

  beforeAll(async () => {
    provider = new OAuth2Server();
    await provider.issuer.keys.generate('RS256');
    await provider.start(0, '127.0.0.1');
    // Two tokens signed within one second would be identical: a jti tells them apart.
    provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      token.payload['jti'] = randomUUID();
    });
    provider.service.on(
      'beforeResponse',
      (
        response: { body: Record<string, unknown>; statusCode: number },
        req: { body: Record<string, string> },
      ) => {
        grants.push(req.body['grant_type']!);
        if (refuseRefresh && req.body['grant_type'] === 'refresh_token') {
          response.statusCode = 400;
          response.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
          return;
        }
        issued.push(String(response.body['access_token']));
      },
    );
    // The API the tokens are for: accepts the newest token only, unless it was revoked.
    api = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const ok = token === issued.at(-1) && !revoked.has(token);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    t = await createTestApp();
    user = await createTestUser(t);
    access = {
      db: t.ctx.db,
      keys: t.ctx.keys,
      catalog: t.ctx.catalog,
      http: createLimitedFetch({ timeoutMs: 10_000, maxBytes: 1 << 20 }),
    };
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
  });

  async function connect(name: string): Promise<string> {
    const start = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections/oauth/oauth2/start',
      headers: user.headers,
      payload: {
        name,
        clientId: 'area-client',
        clientSecret: 'client-secret-value-77',
        authorizationUrl: `${provider.issuer.url}/authorize`,
        tokenUrl: `${provider.issuer.url}/token`,
        scopes: ['read', 'write'],
      },
    });
    expect(start.statusCode, start.body).toBe(200);
    const { authorizationUrl, redirectUri } = start.json<{ authorizationUrl: string; redirectUri: string }>();
    const asked = new URL(authorizationUrl);
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('redirect_uri')).toBe('http://area.test/api/v1/connections/oauth/callback');
    expect(redirectUri).toBe(asked.searchParams.get('redirect_uri'));
    // The user approves at the provider, which sends the browser back with a code and the state.
    const approve = await fetch(authorizationUrl, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe(asked.searchParams.get('state'));
    const callback = await t.server.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(callback.statusCode, callback.body).toBe(302);
    const location = new URL(callback.headers.location as string);
    expect(location.searchParams.get('error')).toBeNull();
    return location.searchParams.get('connected')!;
  }

  async function expireStoredToken(id: string): Promise<void> {
    const row = await t.ctx.db
      .selectFrom('connections')
      .select('encrypted_credentials')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const credentials = t.ctx.keys.openJson<OAuth2Credentials>(row.encrypted_credentials);
    const past = new Date(Date.now() - 1000);
    await t.ctx.db
      .updateTable('connections')
      .set({
        encrypted_credentials: t.ctx.keys.sealJson({ ...credentials, expiresAt: past.toISOString() }),
        token_expires_at: past,
      })
      .where('id', '=', id)
      .execute();
  }

  it('stores sealed tokens and gives them to actions', async () => {
    const id = await connect('My API');
    const view = await t.server.inject({
      method: 'GET',
      url: `/api/v1/connections/${id}`,
      headers: user.headers,
    });
    expect(view.json()).toMatchObject({
      serviceKey: 'oauth2',
      authType: 'oauth2',
      status: 'active',
      name: 'My API',
    });
    expect(view.body).not.toContain(issued.at(-1)!);
    expect(view.body).not.toContain('client-secret-value-77');
    const row = await t.ctx.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.encrypted_credentials).not.toContain(issued.at(-1)!);
    expect(row.token_expires_at).toBeInstanceOf(Date);
    const { auth } = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    expect((auth as { accessToken: string }).accessToken).toBe(issued.at(-1));
    expect(grants.filter((g) => g === 'authorization_code')).toHaveLength(1);
  });

  it('refreshes an expiring token once, even when two workers ask together', async () => {
    const id = await connect('Refreshing');
    await expireStoredToken(id);
    const before = grants.filter((g) => g === 'refresh_token').length;
    const [a, b] = await Promise.all([
      loadConnectionForRun(access, { connectionId: id, userId: user.id }),
      loadConnectionForRun(access, { connectionId: id, userId: user.id }),
    ]);
    expect(grants.filter((g) => g === 'refresh_token').length - before).toBe(1);
    expect((a.auth as { accessToken: string }).accessToken).toBe(issued.at(-1));
    expect((b.auth as { accessToken: string }).accessToken).toBe(issued.at(-1));
  });

  it('refreshes on a 401 and retries the request', async () => {
    const id = await connect('Retry on 401');
    const { auth, connection } = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    revoked.add((auth as { accessToken: string }).accessToken);
    const out = await oauth2RequestAction.run(
      standaloneActionContext({ method: 'GET' as const, url: `${apiUrl}/me` }, { auth, connection }),
    );
    expect(out).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('marks the connection expired with the reason when the refresh is refused', async () => {
    const id = await connect('Doomed');
    await expireStoredToken(id);
    refuseRefresh = true;
    try {
      await expect(loadConnectionForRun(access, { connectionId: id, userId: user.id })).rejects.toThrow(
        ConnectionUnavailableError,
      );
    } finally {
      refuseRefresh = false;
    }
    const view = await t.server.inject({
      method: 'GET',
      url: `/api/v1/connections/${id}`,
      headers: user.headers,
    });
    expect(view.json()).toMatchObject({ status: 'expired' });
    expect(view.json<{ errorMessage: string }>().errorMessage).toMatch(/refresh token revoked/);
    await expect(loadConnectionForRun(access, { connectionId: id, userId: user.id })).rejects.toThrow(
      /expired/,
    );
  });

  it('rejects a forged state and a provider error', async () => {
    const forged = await t.server.inject({
      method: 'GET',
      url: '/api/v1/connections/oauth/callback?code=x&state=v1:abc:def:ghi:jkl',
    });
    expect(forged.statusCode).toBe(302);
    expect(new URL(forged.headers.location as string).searchParams.get('error')).toMatch(/state/);
    const notOAuth = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections/oauth/http/start',
      headers: user.headers,
      payload: { name: 'x', clientId: 'y' },
    });
    expect(notOAuth.statusCode).toBe(400);
    const badUrl = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections/oauth/oauth2/start',
      headers: user.headers,
      payload: { name: 'x', clientId: 'y', authorizationUrl: 'javascript:alert(1)', tokenUrl: 'ftp://x' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});
