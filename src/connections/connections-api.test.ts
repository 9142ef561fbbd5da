import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';

const TOKEN = 'plain-token-8c1d2e3f';

describe('connections API', () => {
  let t: TestApp;
  let user: TestUser;
  let peer: Server;
  let peerUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    user = await createTestUser(t);
    // The API a connection's test calls: it accepts one token.
    peer = createServer((req, res) => {
      res
        .writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401)
        .end(`seen ${req.headers.authorization}`);
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    peer.closeAllConnections();
    await new Promise((resolve) => peer.close(resolve));
  });

  const create = (payload: object) =>
    t.server.inject({ method: 'POST', url: '/api/v1/connections', headers: user.headers, payload });

  it('creates, lists, reads, updates and deletes, never answering the credentials', async () => {
    const created = await create({
      service: 'http',
      name: 'Billing API',
      credentials: { type: 'bearer', token: TOKEN },
      config: { baseUrl: peerUrl, testUrl: `${peerUrl}/me` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ id: string }>();
    expect(body).toMatchObject({
      serviceKey: 'http',
      name: 'Billing API',
      status: 'active',
      credentialFields: ['type', 'token'],
    });
    expect(created.body).not.toContain(TOKEN);

    const list = await t.server.inject({
      method: 'GET',
      url: '/api/v1/connections?service=http',
      headers: user.headers,
    });
    expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(body.id);
    expect(list.body).not.toContain(TOKEN);

    const renamed = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/connections/${body.id}`,
      headers: user.headers,
      payload: { name: 'Billing', status: 'inactive' },
    });
    expect(renamed.json()).toMatchObject({ name: 'Billing', status: 'inactive' });
    const on = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/connections/${body.id}`,
      headers: user.headers,
      payload: { status: 'active' },
    });
    expect(on.json()).toMatchObject({ status: 'active' });

    const gone = await t.server.inject({
      method: 'DELETE',
      url: `/api/v1/connections/${body.id}`,
      headers: user.headers,
    });
    expect(gone.statusCode).toBe(204);
    const after = await t.server.inject({
      method: 'GET',
      url: `/api/v1/connections/${body.id}`,
      headers: user.headers,
    });
    expect(after.statusCode).toBe(404);
  });

  it('checks credentials against the service auth schema and names the field', async () => {
    const bad = await create({
      service: 'email',
      name: 'Mail',
      credentials: { username: 'ada', smtpPort: 'many' },
    });
    expect(bad.statusCode).toBe(400);
    const problems = bad.json<{ error: { details: { problems: { path: string; rule: string }[] } } }>().error
      .details.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'credentials.password', rule: 'required' }),
        expect.objectContaining({ path: 'credentials.smtpPort', rule: 'type' }),
      ]),
    );
    const unknown = await create({ service: 'nope', name: 'X', credentials: {} });
    expect(unknown.json()).toMatchObject({
      error: { code: 'validation_failed', details: { problems: [{ path: 'service' }] } },
    });
    const oauth = await create({ service: 'oauth2', name: 'X', credentials: { accessToken: 'x' } });
    expect(oauth.json<{ error: { message: string } }>().error.message).toMatch(/oauth\/oauth2\/start/);
    await create({ service: 'http', name: 'Twice', credentials: { type: 'none' } });
    const twice = await create({ service: 'http', name: 'Twice', credentials: { type: 'none' } });
    expect(twice.statusCode).toBe(409);
  });

  it('tests a connection and records the outcome', async () => {
    const good = await create({
      service: 'http',
      name: 'Tested',
      credentials: { type: 'bearer', token: TOKEN },
      config: { testUrl: `${peerUrl}/me` },
    });
    const id = good.json<{ id: string }>().id;
    const ok = await t.server.inject({
      method: 'POST',
      url: `/api/v1/connections/${id}/test`,
      headers: user.headers,
    });
    expect(ok.json()).toMatchObject({ ok: true, status: 'active', errorMessage: null });
    expect(ok.json<{ lastTestedAt: string }>().lastTestedAt).toBeTruthy();

    const wrong = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/connections/${id}`,
      headers: user.headers,
      payload: { credentials: { type: 'bearer', token: 'wrong-token-5555' } },
    });
    expect(wrong.statusCode).toBe(200);
    const failed = await t.server.inject({
      method: 'POST',
      url: `/api/v1/connections/${id}/test`,
      headers: user.headers,
    });
    expect(failed.json()).toMatchObject({ ok: false, status: 'error' });
    expect(failed.json<{ errorMessage: string }>().errorMessage).toMatch(/answered 401/);
    expect(failed.body).not.toContain('wrong-token-5555');
  });

  it('lets an API key with connections:read list but not create', async () => {
    const keyRes = await t.server.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: user.headers,
      payload: { name: 'reader', scopes: ['connections:read'] },
    });
    const key = keyRes.json<{ key: string }>().key;
    const headers = { authorization: `Bearer ${key}` };
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/connections', headers })).statusCode).toBe(
      200,
    );
    const denied = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers,
      payload: { service: 'http', name: 'k' },
    });
    expect(denied.statusCode).toBe(403);
  });
});
