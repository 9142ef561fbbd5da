import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.ts';
import { createTestConnection, parseSse, syncTestServices } from './test-fixtures.ts';

const USER_KEY = 'user-own-model-key-abcdef123456';

describe('the assistant through the user’s own AI connection, streamed over HTTP', () => {
  let t: TestApp;
  let fake: FakeModelServer;
  let user: TestUser;
  let baseUrl: string;
  let connectionId: string;

  beforeAll(async () => {
    fake = await startFakeModelServer('openai');
    t = await createTestApp({ env: { PORT: '0' } });
    await syncTestServices(t);
    // An AI service row as an integration would sync it (OpenAI-compatible, e.g. a local Ollama).
    const existing = await t.ctx.db
      .selectFrom('services')
      .select('id')
      .where('key', '=', 'ollama')
      .executeTakeFirst();
    if (!existing) {
      await t.ctx.db
        .insertInto('services')
        .values({
          key: 'ollama',
          name: 'Ollama',
          auth_type: 'api_key',
          requires_auth: true,
          auth_schema: '{}',
        })
        .execute();
    }
    await createTestUser(t);
    user = await createTestUser(t);
    connectionId = await createTestConnection(
      t,
      user.id,
      'ollama',
      { apiKey: USER_KEY },
      { baseUrl: fake.url, model: 'llama-test' },
    );
    baseUrl = (await t.app.start()) ?? '';
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('without a configured model, a session needs an AI connection', async () => {
    const created = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: user.headers,
      payload: {},
    });
    const res = await t.server.inject({
      method: 'POST',
      url: `/api/v1/assistant/sessions/${created.json().id}/messages`,
      headers: user.headers,
      payload: { content: 'hello' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.details).toMatchObject({ path: 'connectionId', rule: 'model_required' });
    const status = await t.server.inject({
      method: 'GET',
      url: '/api/v1/assistant/status',
      headers: user.headers,
    });
    expect(status.json()).toEqual({ configured: false, provider: null, model: null });
  });

  it('refuses another user’s connection and a connection that is not an AI service', async () => {
    const other = await createTestUser(t);
    const slack = await createTestConnection(t, user.id, 'fake_slack', { token: 'x' });
    const theirs = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: other.headers,
      payload: { connectionId },
    });
    expect(theirs.statusCode).toBe(404);
    const notAi = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: user.headers,
      payload: { connectionId: slack },
    });
    expect(notAi.statusCode).toBe(400);
    expect(notAi.json().error.details.problems[0]).toMatchObject({
      path: 'connectionId',
      rule: 'ai_connection',
    });
  });

  it('streams the tokens to the client while the model is still writing', async () => {
    const created = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: user.headers,
      payload: { connectionId },
    });
    expect(created.statusCode, created.body).toBe(201);
    let sawFirstToken!: () => void;
    const firstTokenSeen = new Promise<void>((resolve) => {
      sawFirstToken = resolve;
    });
    // The model holds its stream open until the client has read a token: a buffered answer would never end.
    fake.script({ text: ['Hello', ', ', 'world'], holdUntil: firstTokenSeen });
    const response = await fetch(`${baseUrl}/api/v1/assistant/sessions/${created.json().id}/messages`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Say hello' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let text = '';
    let reads = 0;
    let tokenBeforeEnd = false;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      reads += 1;
      text += decoder.decode(chunk, { stream: true });
      if (!tokenBeforeEnd && text.includes('event: token')) {
        tokenBeforeEnd = !text.includes('event: done');
        sawFirstToken();
      }
    }
    expect(tokenBeforeEnd).toBe(true);
    expect(reads).toBeGreaterThan(1);
    const events = parseSse(text);
    expect(
      events
        .filter((e) => e.event === 'token')
        .map((e) => e.data['text'])
        .join(''),
    ).toBe('Hello, world');
    expect(events.at(-1)?.event).toBe('done');
    expect(events.at(-1)?.data).toMatchObject({ text: 'Hello, world', model: 'llama-test' });

    const request = fake.requests.at(-1);
    expect(request?.headers['authorization']).toBe(`Bearer ${USER_KEY}`);
    expect(request?.body['model']).toBe('llama-test');
    expect(JSON.stringify(events)).not.toContain(USER_KEY);
  });
});
