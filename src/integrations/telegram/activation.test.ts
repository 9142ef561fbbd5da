import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';

const TOKEN = '123456:ABC-def_ghi';
const BOT = `/bot${TOKEN}`;
let t: TestApp;
let user: TestUser;
let fake: FakeServer;
let connectionId: string;
/** The webhook the fake Bot API has registered, as Telegram keeps one per bot. */
let webhook: Record<string, unknown> | undefined;

beforeAll(async () => {
  fake = await startFakeServer();
  fake.on(`POST ${BOT}/getMe`, () => ({
    json: { ok: true, result: { id: 7000000001, is_bot: true, first_name: 'Area', username: 'area_bot' } },
  }));
  fake.on(`POST ${BOT}/setWebhook`, (r) => {
    const body = r.json<{ url: string }>();
    // The real Bot API accepts only HTTPS webhook addresses.
    if (!body.url.startsWith('https://'))
      return {
        status: 400,
        json: {
          ok: false,
          error_code: 400,
          description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
        },
      };
    webhook = r.json();
    return { json: { ok: true, result: true, description: 'Webhook was set' } };
  });
  fake.on(`POST ${BOT}/deleteWebhook`, () => {
    webhook = undefined;
    return { json: { ok: true, result: true, description: 'Webhook was deleted' } };
  });
  t = await createTestApp({ env: { PUBLIC_URL: 'https://area.test' } });
  user = await createTestUser(t);
  const made = await t.server.inject({
    method: 'POST',
    url: '/api/v1/connections',
    headers: user.headers,
    payload: { service: 'telegram', name: 'Bot', credentials: { botToken: TOKEN, baseUrl: fake.url } },
  });
  expect(made.statusCode, made.body).toBe(201);
  connectionId = made.json<{ id: string }>().id;
}, 180_000);

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function createWorkflow(config: Record<string, unknown>): Promise<string> {
  const created = await t.server.inject({
    method: 'POST',
    url: '/api/v1/workflows',
    headers: user.headers,
    payload: {
      name: 'Bot inbox',
      tags: [],
      trigger: {
        key: 'tg',
        service: 'telegram',
        component: 'message_webhook',
        connection: connectionId,
        config,
      },
      nodes: [
        {
          key: 'say',
          service: 'telegram',
          component: 'send_message',
          connection: connectionId,
          config: { chatId: '{{ trigger.chatId }}', text: 'got it' },
        },
      ],
      edges: [{ from: 'tg', to: 'say' }],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json<{ id: string }>().id;
}

const post = (path: string) => t.server.inject({ method: 'POST', url: path, headers: user.headers });

describe('a Telegram webhook trigger follows its workflow', () => {
  it('activation registers the hook URL with setWebhook and pause deletes it', async () => {
    const id = await createWorkflow({ secretToken: 's3cret' });
    const activated = await post(`/api/v1/workflows/${id}/activate`);
    expect(activated.statusCode, activated.body).toBe(200);
    const { webhookUrl, status } = activated.json<{ webhookUrl: string; status: string }>();
    expect(status).toBe('active');
    expect(webhookUrl).toMatch(/^https:\/\/area\.test\/hooks\/[A-Za-z0-9_-]{43}$/);
    expect(webhook).toEqual({ url: webhookUrl, secret_token: 's3cret', allowed_updates: ['message'] });

    const paused = await post(`/api/v1/workflows/${id}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    expect(webhook).toBeUndefined();
    expect(fake.requests.filter((r) => r.path === `${BOT}/deleteWebhook`)).toHaveLength(1);

    // Activating again registers the same address: the token is kept.
    expect((await post(`/api/v1/workflows/${id}/activate`)).statusCode).toBe(200);
    expect(webhook?.['url']).toBe(webhookUrl);
    const deleted = await t.server.inject({
      method: 'DELETE',
      url: `/api/v1/workflows/${id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect(webhook).toBeUndefined();
  });

  it('a refused setWebhook fails the activation with 502 and leaves the workflow a draft', async () => {
    const id = await createWorkflow({ secretToken: 's3cret', webhookUrl: 'http://insecure.test/hook' });
    const before = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const activated = await post(`/api/v1/workflows/${id}/activate`);
    expect(activated.statusCode, activated.body).toBe(502);
    const error = activated.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('bad_gateway');
    expect(error.message).toContain('telegram.message_webhook');
    expect(error.message).toContain('HTTPS url must be provided');
    expect(activated.body).not.toContain(TOKEN);
    const after = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      status: before.status,
      active_version: null,
      version: before.version,
      webhook_token: null,
    });
    const versions = await t.ctx.db
      .selectFrom('workflow_versions')
      .select('id')
      .where('workflow_id', '=', id)
      .execute();
    expect(versions).toHaveLength(0);
  });
});
