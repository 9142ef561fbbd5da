import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeReply,
  type FakeServer,
  type ReceivedRequest,
  startFakeServer,
} from '../integrations/testing/fake-server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';

/**
 * A new live version of an active workflow (an edited draft activated, an old version restored)
 * switches its trigger at the provider the way pause then activate would. Telegram's webhook trigger
 * registers with setWebhook and unregisters with deleteWebhook; the fake Bot API keeps one webhook
 * per bot, as Telegram does, and refuses an address that is not HTTPS.
 */

const BOTS = { A: '111111:alpha-token', B: '222222:bravo-token' } as const;
type Bot = keyof typeof BOTS;

let t: TestApp;
let user: TestUser;
let fake: FakeServer;
const connections = {} as Record<Bot, string>;
/** The webhook each fake bot has registered. */
const webhooks: Partial<Record<Bot, Record<string, unknown>>> = {};
/** The workflow whose running version the fake notes at each call, to tell before the switch from after. */
let watched: string | undefined;
const seen: Array<[Bot, string, number | null]> = [];

/** Runs inside the next setWebhook call: what someone else does while the provider is being told. */
let meanwhile: (() => Promise<void>) | undefined;
/** The Bot API's error answer to the next call of one method of one bot. */
let refusal: { bot: Bot; method: string; reply: FakeReply } | undefined;

function refused(bot: Bot, method: string): FakeReply | undefined {
  if (refusal?.bot !== bot || refusal.method !== method) return undefined;
  const { reply } = refusal;
  refusal = undefined;
  return reply;
}

async function note(bot: Bot, method: string): Promise<void> {
  if (watched) seen.push([bot, method, (await workflowRow(watched)).active_version]);
}

beforeAll(async () => {
  fake = await startFakeServer();
  for (const bot of Object.keys(BOTS) as Bot[]) {
    const path = `/bot${BOTS[bot]}`;
    fake.on(`POST ${path}/getMe`, () => ({
      json: { ok: true, result: { id: 7000000001, is_bot: true, first_name: bot, username: `bot_${bot}` } },
    }));
    fake.on(`POST ${path}/setWebhook`, async (r) => {
      await note(bot, 'setWebhook');
      const refuse = refused(bot, 'setWebhook');
      if (refuse) return refuse;
      const concurrent = meanwhile;
      meanwhile = undefined;
      await concurrent?.();
      const body = r.json<{ url: string }>();
      if (!body.url.startsWith('https://'))
        return {
          status: 400,
          json: {
            ok: false,
            error_code: 400,
            description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
          },
        };
      webhooks[bot] = r.json();
      return { json: { ok: true, result: true, description: 'Webhook was set' } };
    });
    fake.on(`POST ${path}/deleteWebhook`, async () => {
      await note(bot, 'deleteWebhook');
      const refuse = refused(bot, 'deleteWebhook');
      if (refuse) return refuse;
      delete webhooks[bot];
      return { json: { ok: true, result: true, description: 'Webhook was deleted' } };
    });
  }
  t = await createTestApp({ env: { PUBLIC_URL: 'https://area.test' } });
  user = await createTestUser(t);
  for (const bot of Object.keys(BOTS) as Bot[]) {
    const made = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: user.headers,
      payload: {
        service: 'telegram',
        name: `Bot ${bot}`,
        credentials: { botToken: BOTS[bot], baseUrl: fake.url },
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    connections[bot] = made.json<{ id: string }>().id;
  }
}, 180_000);

beforeEach(() => {
  watched = undefined;
  meanwhile = undefined;
  refusal = undefined;
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

function definition(bot: Bot, secretToken: string, reply = 'got it') {
  return {
    name: 'Bot inbox',
    tags: [],
    trigger: {
      key: 'tg',
      service: 'telegram',
      component: 'message_webhook',
      connection: connections[bot],
      config: { secretToken },
    },
    nodes: [
      {
        key: 'say',
        service: 'telegram',
        component: 'send_message',
        connection: connections[bot],
        config: { chatId: '{{ trigger.chatId }}', text: reply },
      },
    ],
    edges: [{ from: 'tg', to: 'say' }],
  };
}

async function call(method: 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.server.inject({
    method,
    url,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>(), text: res.body };
}

/** A workflow running `first` (version 1) and then `second` (version 2), both published by activation. */
async function liveWorkflow(
  first: ReturnType<typeof definition>,
  second: ReturnType<typeof definition>,
): Promise<{ id: string; webhookUrl: string }> {
  const created = await call('POST', '/api/v1/workflows', first);
  expect(created.status, created.text).toBe(201);
  const id = created.body['id'] as string;
  const v1 = await call('POST', `/api/v1/workflows/${id}/activate`);
  expect(v1.status, v1.text).toBe(200);
  expect((await call('PUT', `/api/v1/workflows/${id}`, second)).status).toBe(200);
  const v2 = await call('POST', `/api/v1/workflows/${id}/activate`);
  expect(v2.body).toMatchObject({ status: 'active', version: 2, activeVersion: 2 });
  return { id, webhookUrl: v1.body['webhookUrl'] as string };
}

/** Starts noting the running version of `id` at each call the fake receives. */
function watch(id: string): void {
  watched = id;
  seen.length = 0;
}

const botOf = (r: ReceivedRequest) =>
  (Object.keys(BOTS) as Bot[]).find((bot) => r.path.startsWith(`/bot${BOTS[bot]}/`));

/** What the Bot API received from `mark` on: which bot, which method, with what body. */
function callsSince(mark: number): Array<[Bot | undefined, string | undefined, unknown]> {
  return fake.requests.slice(mark).map((r) => [botOf(r), r.path.split('/').pop(), r.json()]);
}

async function workflowRow(id: string) {
  return t.ctx.db.selectFrom('workflows').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function versionCount(id: string): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('workflow_versions')
    .select('id')
    .where('workflow_id', '=', id)
    .execute();
  return rows.length;
}

describe('the live trigger follows a new version of an active workflow', () => {
  it('activating an edited draft with another trigger sets the new webhook, then deletes the old one', async () => {
    const created = await call('POST', '/api/v1/workflows', definition('A', 'alpha1'));
    const id = created.body['id'] as string;
    let mark = fake.requests.length;
    const v1 = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(v1.status, v1.text).toBe(200);
    const webhookUrl = v1.body['webhookUrl'] as string;
    const registered = (secret: string) => ({
      url: webhookUrl,
      secret_token: secret,
      allowed_updates: ['message'],
    });
    expect(callsSince(mark)).toEqual([['A', 'setWebhook', registered('alpha1')]]);

    expect((await call('PUT', `/api/v1/workflows/${id}`, definition('B', 'bravo1'))).status).toBe(200);
    mark = fake.requests.length;
    watch(id);
    const v2 = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(v2.body).toMatchObject({
      status: 'active',
      version: 2,
      activeVersion: 2,
      published: true,
      webhookUrl,
    });
    expect(callsSince(mark)).toEqual([
      ['B', 'setWebhook', registered('bravo1')],
      ['A', 'deleteWebhook', { drop_pending_updates: false }],
    ]);
    // The new webhook is set while version 1 still runs, the old one deleted once version 2 does.
    expect(seen).toEqual([
      ['B', 'setWebhook', 1],
      ['A', 'deleteWebhook', 2],
    ]);
    expect(webhooks).toMatchObject({ B: registered('bravo1') });
    expect(webhooks.A).toBeUndefined();

    // Same bot, new secret: setWebhook replaces the bot's one webhook; a deleteWebhook would remove it.
    expect((await call('PUT', `/api/v1/workflows/${id}`, definition('B', 'bravo2'))).status).toBe(200);
    mark = fake.requests.length;
    const v3 = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(v3.body).toMatchObject({ version: 3, activeVersion: 3, webhookUrl });
    expect(callsSince(mark)).toEqual([['B', 'setWebhook', registered('bravo2')]]);
    expect(webhooks.B).toEqual(registered('bravo2'));
  });

  it('a version whose trigger is unchanged goes live without a call to the provider', async () => {
    const { id } = await liveWorkflow(definition('A', 'same'), definition('A', 'same', 'second reply'));
    const mark = fake.requests.length;
    // The second activation above published an edit of the action only; re-activating publishes nothing.
    const again = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(again.body).toMatchObject({ status: 'active', activeVersion: 2, published: false });
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ status: 'active', activeVersion: 3, restoredVersion: 3 });
    expect(callsSince(mark)).toEqual([]);
  });

  it('restoring an old version with another trigger sets its webhook, then deletes the running one', async () => {
    const { id, webhookUrl } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    const mark = fake.requests.length;
    watch(id);
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ status: 'active', version: 3, activeVersion: 3, webhookUrl });
    expect(callsSince(mark)).toEqual([
      ['A', 'setWebhook', { url: webhookUrl, secret_token: 'alpha1', allowed_updates: ['message'] }],
      ['B', 'deleteWebhook', { drop_pending_updates: false }],
    ]);
    expect(seen).toEqual([
      ['A', 'setWebhook', 2],
      ['B', 'deleteWebhook', 3],
    ]);
    expect(webhooks.A).toMatchObject({ secret_token: 'alpha1' });
    expect(webhooks.B).toBeUndefined();
  });

  it('restoring an old secret on the same bot only sets the webhook again', async () => {
    const { id, webhookUrl } = await liveWorkflow(definition('A', 'old1'), definition('A', 'new2'));
    const mark = fake.requests.length;
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.body).toMatchObject({ status: 'active', activeVersion: 3 });
    expect(callsSince(mark)).toEqual([
      ['A', 'setWebhook', { url: webhookUrl, secret_token: 'old1', allowed_updates: ['message'] }],
    ]);
    expect(webhooks.A).toMatchObject({ secret_token: 'old1' });
  });

  it('a refused setWebhook on restore answers 502 and leaves the running version live', async () => {
    const { id } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    const before = await workflowRow(id);
    refusal = {
      bot: 'A',
      method: 'setWebhook',
      reply: {
        status: 400,
        json: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: Failed to resolve host' },
      },
    };
    const mark = fake.requests.length;
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status, restored.text).toBe(502);
    const error = restored.body['error'] as { code: string; message: string };
    expect(error.code).toBe('bad_gateway');
    expect(error.message).toContain('telegram.message_webhook');
    expect(error.message).toContain('Failed to resolve host');
    expect(restored.text).not.toContain(BOTS.A);
    expect(callsSince(mark).map(([bot, method]) => [bot, method])).toEqual([['A', 'setWebhook']]);
    expect(await workflowRow(id)).toEqual(before);
    expect(await versionCount(id)).toBe(2);
    const draft = await t.server.inject({
      method: 'GET',
      url: `/api/v1/workflows/${id}`,
      headers: user.headers,
    });
    expect(
      draft.json<{ definition: { trigger: { connection: string } } }>().definition.trigger.connection,
    ).toBe(connections.B);
    expect(webhooks.B).toMatchObject({ secret_token: 'bravo1' });
  });

  it('a refused setWebhook on activation of an edited draft answers 502 and leaves the running version live', async () => {
    const { id } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    const before = await workflowRow(id);
    const insecure = definition('A', 'alpha2');
    (insecure.trigger.config as Record<string, unknown>)['webhookUrl'] = 'http://insecure.test/hook';
    expect((await call('PUT', `/api/v1/workflows/${id}`, insecure)).status).toBe(200);
    const mark = fake.requests.length;
    const activated = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.status, activated.text).toBe(502);
    expect((activated.body['error'] as { message: string }).message).toContain('HTTPS url must be provided');
    expect(callsSince(mark).map(([bot, method]) => [bot, method])).toEqual([['A', 'setWebhook']]);
    expect(await workflowRow(id)).toMatchObject({
      status: 'active',
      version: before.version,
      active_version: before.active_version,
      webhook_token: before.webhook_token,
    });
    expect(await versionCount(id)).toBe(2);
    expect(webhooks.B).toMatchObject({ secret_token: 'bravo1' });
  });

  it('an activation that fails after setWebhook undoes it and leaves the running version live', async () => {
    const { id, webhookUrl } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    const before = await workflowRow(id);
    const incomplete = definition('B', 'bravo3');
    incomplete.trigger.config = {} as never;
    // The draft is edited into one that cannot run while Telegram is being told about the new trigger.
    const editDraft = async () => {
      const saved = await call('PUT', `/api/v1/workflows/${id}`, incomplete);
      expect(saved.status, saved.text).toBe(200);
    };

    // Another bot: the webhook just set is deleted again.
    expect((await call('PUT', `/api/v1/workflows/${id}`, definition('A', 'alpha2'))).status).toBe(200);
    let mark = fake.requests.length;
    meanwhile = editDraft;
    let activated = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.status, activated.text).toBe(400);
    expect(callsSince(mark).map(([bot, method]) => [bot, method])).toEqual([
      ['A', 'setWebhook'],
      ['A', 'deleteWebhook'],
    ]);
    expect(webhooks.A).toBeUndefined();

    // The running bot: its webhook is set back to the running trigger's secret.
    expect((await call('PUT', `/api/v1/workflows/${id}`, definition('B', 'bravo2'))).status).toBe(200);
    mark = fake.requests.length;
    meanwhile = editDraft;
    activated = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.status, activated.text).toBe(400);
    const registered = (secret: string) => ({
      url: webhookUrl,
      secret_token: secret,
      allowed_updates: ['message'],
    });
    expect(callsSince(mark)).toEqual([
      ['B', 'setWebhook', registered('bravo2')],
      ['B', 'setWebhook', registered('bravo1')],
    ]);
    expect(webhooks.B).toEqual(registered('bravo1'));
    expect(await workflowRow(id)).toMatchObject({ status: 'active', active_version: before.active_version });
    expect(await versionCount(id)).toBe(2);
  });

  it('a failing deleteWebhook of the old trigger does not stop the switch', async () => {
    const { id } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    refusal = {
      bot: 'B',
      method: 'deleteWebhook',
      reply: { status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } },
    };
    const mark = fake.requests.length;
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ status: 'active', activeVersion: 3 });
    expect(callsSince(mark).map(([bot, method]) => [bot, method])).toEqual([
      ['A', 'setWebhook'],
      ['B', 'deleteWebhook'],
    ]);
  });

  it('restoring a version of a paused workflow calls no trigger hook until it is activated', async () => {
    const { id, webhookUrl } = await liveWorkflow(definition('A', 'alpha1'), definition('B', 'bravo1'));
    expect((await call('POST', `/api/v1/workflows/${id}/pause`)).status).toBe(200);
    let mark = fake.requests.length;
    const restored = await call('POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ status: 'paused', version: 3, activeVersion: 2 });
    expect(callsSince(mark)).toEqual([]);

    mark = fake.requests.length;
    const activated = await call('POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.body).toMatchObject({ status: 'active', activeVersion: 3, published: false });
    expect(callsSince(mark)).toEqual([
      ['A', 'setWebhook', { url: webhookUrl, secret_token: 'alpha1', allowed_updates: ['message'] }],
    ]);
  });
});
