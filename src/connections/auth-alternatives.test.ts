import { randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import { standaloneActionContext } from '../catalog/test-context.ts';
import { createIssueAction } from '../integrations/github/actions/create-issue.ts';
import { postMessageAction } from '../integrations/slack/actions/post-message.ts';
import { type FakeServer, startFakeServer } from '../integrations/testing/fake-server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { type AccessDeps, loadConnectionForRun } from './connection-access.ts';
import type { OAuth2Credentials } from './oauth2-client.ts';

describe('services connected by a pasted token or through OAuth2', () => {
  let provider: OAuth2Server;
  let slack: FakeServer;
  let github: FakeServer;
  let t: TestApp;
  let user: TestUser;
  let access: AccessDeps;
  const grants: string[] = [];
  const issued: string[] = [];
  const PASTED = 'xoxb-pasted-token';

  beforeAll(async () => {
    provider = new OAuth2Server();
    await provider.issuer.keys.generate('RS256');
    await provider.start(0, '127.0.0.1');
    provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      token.payload['jti'] = randomUUID();
    });
    provider.service.on(
      'beforeResponse',
      (response: { body: Record<string, unknown> }, req: { body: Record<string, string> }) => {
        grants.push(req.body['grant_type']!);
        issued.push(String(response.body['access_token']));
      },
    );
    const bearer = (headers: Record<string, string>) => headers['authorization']?.replace(/^Bearer /, '');
    slack = await startFakeServer();
    slack.on('POST /chat.postMessage', (r) => {
      const token = bearer(r.headers) ?? '';
      if (token !== PASTED && token !== issued.at(-1)) return { json: { ok: false, error: 'invalid_auth' } };
      const body = r.json<{ channel: string; text: string }>();
      return {
        json: {
          ok: true,
          channel: body.channel,
          ts: '1732093502.114900',
          message: { type: 'message', text: body.text, ts: '1732093502.114900' },
        },
      };
    });
    slack.on('POST /auth.test', (r) =>
      bearer(r.headers) === issued.at(-1)
        ? { json: { ok: true, team: 'Acme', user: 'areabot', team_id: 'T1', user_id: 'U1' } }
        : { json: { ok: false, error: 'invalid_auth' } },
    );
    github = await startFakeServer();
    github.on('POST /repos/:owner/:repo/issues', (r) => {
      if (bearer(r.headers) !== issued.at(-1)) return { status: 401, json: { message: 'Bad credentials' } };
      const body = r.json<{ title: string }>();
      return {
        status: 201,
        json: {
          id: 1,
          number: 7,
          title: body.title,
          body: null,
          state: 'open',
          html_url: `https://github.com/${r.params['owner']}/${r.params['repo']}/issues/7`,
          labels: [],
          assignees: [],
          user: { login: 'octocat' },
          created_at: '2026-11-23T04:00:00Z',
        },
      };
    });
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
    await slack?.close();
    await github?.close();
  });

  async function connectThroughOAuth2(service: string, name: string, baseUrl: string): Promise<string> {
    const start = await t.server.inject({
      method: 'POST',
      url: `/api/v1/connections/oauth/${service}/start`,
      headers: user.headers,
      payload: {
        name,
        clientId: 'area-client',
        clientSecret: 'client-secret-value-77',
        // The provider's self-hosted edition: here, the mock authorization server.
        authorizationUrl: `${provider.issuer.url}/authorize`,
        tokenUrl: `${provider.issuer.url}/token`,
        config: { baseUrl },
      },
    });
    expect(start.statusCode, start.body).toBe(200);
    const { authorizationUrl } = start.json<{ authorizationUrl: string }>();
    expect(new URL(authorizationUrl).origin).toBe(new URL(provider.issuer.url!).origin);
    const approve = await fetch(authorizationUrl, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    const callback = await t.server.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(callback.statusCode, callback.body).toBe(302);
    const location = new URL(callback.headers.location as string);
    expect(location.searchParams.get('error')).toBeNull();
    return location.searchParams.get('connected')!;
  }

  it('offers both options in the service auth schema', async () => {
    const res = await t.server.inject({
      method: 'GET',
      url: '/api/v1/services/slack',
      headers: user.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const schema = res.json<{ authSchema: { oneOf: { properties: { authType: { const: string } } }[] } }>()
      .authSchema;
    expect(schema.oneOf.map((o) => o.properties.authType.const)).toEqual(['custom', 'oauth2']);
  });

  it('creates a Slack connection from a pasted bot token and posts with it', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: user.headers,
      payload: { service: 'slack', name: 'Pasted', credentials: { botToken: PASTED, baseUrl: slack.url } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(PASTED);
    const { id, credentialFields } = res.json<{ id: string; credentialFields: string[] }>();
    expect(credentialFields).toContain('botToken');
    const opened = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    expect(opened.authType).toBe('custom');
    expect(opened.auth).toMatchObject({ botToken: PASTED });
    // Not an OAuth2 connection: refresh hands back the same credentials, no token request.
    const before = grants.length;
    expect(await opened.connection.refresh()).toBe(opened.auth);
    expect(grants.length).toBe(before);
    const out = await postMessageAction.run(
      standaloneActionContext({ channel: 'C1', text: 'pasted' }, opened),
    );
    expect(out).toMatchObject({ channel: 'C1', text: 'pasted' });
    expect(slack.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${PASTED}`);
  });

  it('connects Slack through the OAuth2 flow and posts with the access token', async () => {
    const id = await connectThroughOAuth2('slack', 'Slack via OAuth2', slack.url);
    const view = await t.server.inject({
      method: 'GET',
      url: `/api/v1/connections/${id}`,
      headers: user.headers,
    });
    expect(view.json()).toMatchObject({ serviceKey: 'slack', status: 'active' });
    expect(view.json<{ credentialFields: string[] }>().credentialFields).toContain('accessToken');
    expect(view.body).not.toContain(issued.at(-1)!);
    const opened = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    expect(opened.authType).toBe('oauth2');
    expect((opened.auth as { accessToken: string }).accessToken).toBe(issued.at(-1));
    const out = await postMessageAction.run(
      standaloneActionContext({ channel: 'C2', text: 'via oauth' }, opened),
    );
    expect(out).toMatchObject({ channel: 'C2', text: 'via oauth' });
    expect(slack.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${issued.at(-1)}`);
    // The connection test runs the OAuth2 option's check.
    const tested = await t.server.inject({
      method: 'POST',
      url: `/api/v1/connections/${id}/test`,
      headers: user.headers,
    });
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json()).toMatchObject({ ok: true, status: 'active' });
    expect(slack.requests.at(-1)!.path).toBe('/auth.test');
  });

  it('refreshes an expiring OAuth2 token of a service with alternatives', async () => {
    const id = await connectThroughOAuth2('slack', 'Slack refreshing', slack.url);
    const row = await t.ctx.db
      .selectFrom('connections')
      .select('encrypted_credentials')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const credentials = t.ctx.keys.openJson<OAuth2Credentials>(row.encrypted_credentials);
    const past = new Date(Date.now() - 1000).toISOString();
    await t.ctx.db
      .updateTable('connections')
      .set({ encrypted_credentials: t.ctx.keys.sealJson({ ...credentials, expiresAt: past }) })
      .where('id', '=', id)
      .execute();
    const before = grants.filter((g) => g === 'refresh_token').length;
    const opened = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    expect(grants.filter((g) => g === 'refresh_token').length - before).toBe(1);
    expect((opened.auth as { accessToken: string }).accessToken).toBe(issued.at(-1));
    expect(opened.authType).toBe('oauth2');
  });

  it('connects GitHub through the OAuth2 flow and opens an issue with the access token', async () => {
    const id = await connectThroughOAuth2('github', 'GitHub via OAuth2', github.url);
    const opened = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    const out = await createIssueAction.run(
      standaloneActionContext({ repository: 'acme/app', title: 'From Area' }, opened),
    );
    expect(out).toMatchObject({ number: 7, title: 'From Area' });
    expect(github.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${issued.at(-1)}`);
  });

  it('rejects credentials that match no option, naming the field', async () => {
    const post = (credentials: unknown) =>
      t.server.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: user.headers,
        payload: { service: 'slack', name: `Bad ${randomUUID()}`, credentials },
      });
    const unknownField = await post({ apiKey: 'abc' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect(JSON.stringify(unknownField.json())).toContain('credentials.apiKey');
    const badToken = await post({ botToken: 'not-a-slack-token' });
    expect(badToken.statusCode).toBe(400);
    expect(JSON.stringify(badToken.json())).toContain('credentials.botToken');
    const pastedOAuth = await post({ authType: 'oauth2', accessToken: 'abc' });
    expect(pastedOAuth.statusCode).toBe(400);
    expect(JSON.stringify(pastedOAuth.json())).toContain('credentials.authType');
    const unknownOption = await post({ authType: 'basic', botToken: PASTED });
    expect(unknownOption.statusCode).toBe(400);
    expect(JSON.stringify(unknownOption.json())).toContain('credentials.authType');
    expect(JSON.stringify([unknownField.body, badToken.body])).not.toContain('not-a-slack-token');
  });
});
