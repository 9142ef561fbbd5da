import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext, triggerContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness } from '../testing/poll-harness.ts';
import { webhookRequest } from '../testing/webhook-request.ts';
import { sendMessageAction } from './actions/send-message.ts';
import { sendPhotoAction } from './actions/send-photo.ts';
import { telegramAuth } from './auth.ts';
import { telegramService } from './index.ts';
import { messageWebhookTrigger } from './triggers/message-webhook.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

const TOKEN = '123456:ABC-def_ghi';
const BOT = `/bot${TOKEN}`;
let fake: FakeServer;
/** Updates not yet confirmed by an offset, as Telegram keeps them. */
let pending: Record<string, unknown>[] = [];
let nextUpdate = 500;
let webhook: Record<string, unknown> | undefined;

const incoming = (text: string, chatId = 42) => {
  nextUpdate += 1;
  pending.push({
    update_id: nextUpdate,
    message: {
      message_id: nextUpdate * 10,
      date: 1732093502,
      chat: { id: chatId, type: 'private', username: 'ada_l', first_name: 'Ada' },
      from: { id: chatId, is_bot: false, first_name: 'Ada', username: 'ada_l' },
      text,
    },
  });
};

const sent = (chatId: unknown, extra: Record<string, unknown>) => ({
  ok: true,
  result: {
    message_id: 9001,
    date: 1732093502,
    chat: { id: Number(chatId), type: 'private', first_name: 'Ada', username: 'ada_l' },
    from: { id: 7000000001, is_bot: true, first_name: 'Area', username: 'area_bot' },
    ...extra,
  },
});

beforeAll(async () => {
  fake = await startFakeServer();
  fake.on('POST /bot1:wrong/getMe', () => ({
    status: 401,
    json: { ok: false, error_code: 401, description: 'Unauthorized' },
  }));
  fake.on(`POST ${BOT}/getMe`, () => ({
    json: { ok: true, result: { id: 7000000001, is_bot: true, first_name: 'Area', username: 'area_bot' } },
  }));
  fake.on(`POST ${BOT}/sendMessage`, (r) => {
    const body = r.json<{ chat_id: string; text: string }>();
    if (body.chat_id === '404')
      return {
        status: 400,
        json: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
      };
    return { json: sent(body.chat_id, { text: body.text }) };
  });
  fake.on(`POST ${BOT}/sendPhoto`, (r) => {
    const body = r.json<{ chat_id: string; photo: string; caption?: string }>();
    return {
      json: sent(body.chat_id, {
        caption: body.caption,
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 60 },
          { file_id: 'large', file_unique_id: 'l', width: 1280, height: 853 },
        ],
      }),
    };
  });
  fake.on(`POST ${BOT}/getUpdates`, (r) => {
    if (webhook) {
      return {
        status: 409,
        json: {
          ok: false,
          error_code: 409,
          description:
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        },
      };
    }
    const { offset } = r.json<{ offset?: number }>();
    if (offset !== undefined) pending = pending.filter((u) => (u['update_id'] as number) >= offset);
    return { json: { ok: true, result: pending } };
  });
  fake.on(`POST ${BOT}/setWebhook`, (r) => {
    webhook = r.json();
    return { json: { ok: true, result: true, description: 'Webhook was set' } };
  });
  fake.on(`POST ${BOT}/deleteWebhook`, () => {
    webhook = undefined;
    return { json: { ok: true, result: true, description: 'Webhook was deleted' } };
  });
});

afterAll(async () => {
  await fake.close();
});

const auth = () => ({ botToken: TOKEN, baseUrl: fake.url });

describe('telegram service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([telegramService])).toEqual([]);
  });

  it('checks the token with getMe, without showing it in the error', async () => {
    if (telegramAuth.type !== 'custom') throw new Error('custom auth expected');
    const ctx = actionContext({});
    await telegramAuth.test?.({ auth: auth(), config: {}, http: ctx.http, signal: ctx.signal });
    const failure = telegramAuth.test?.({
      auth: { botToken: '1:wrong', baseUrl: fake.url },
      config: {},
      http: ctx.http,
      signal: ctx.signal,
    });
    await expect(failure).rejects.toThrow('Telegram answered 401: getMe: Unauthorized');
    await expect(failure).rejects.not.toThrow('1:wrong');
  });
});

describe('telegram.send_message', () => {
  it('sends the text with formatting, silence and a reply', async () => {
    const out = await sendMessageAction.run(
      actionContext(
        { chatId: '42', text: '*Done*', parseMode: 'MarkdownV2', silent: true, replyToMessageId: 7 },
        { auth: auth() },
      ),
    );
    expect(out).toMatchObject({
      messageId: 9001,
      chatId: 42,
      text: '*Done*',
      from: { isBot: true, username: 'area_bot' },
    });
    const call = fake.requests.filter((r) => r.path === `${BOT}/sendMessage`).at(-1)!;
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.json()).toEqual({
      chat_id: '42',
      text: '*Done*',
      parse_mode: 'MarkdownV2',
      disable_notification: true,
      reply_parameters: { message_id: 7, allow_sending_without_reply: true },
    });
  });

  it('passes Telegram’s description on', async () => {
    await expect(
      sendMessageAction.run(actionContext({ chatId: '404', text: 'x' }, { auth: auth() })),
    ).rejects.toThrow('Telegram answered 400: sendMessage: Bad Request: chat not found');
  });

  it('waits out a flood limit (429 with retry_after) and sends', async () => {
    fake.once(`POST ${BOT}/sendMessage`, {
      status: 429,
      headers: { 'retry-after': '1' },
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    const before = fake.requests.length;
    const out = await sendMessageAction.run(actionContext({ chatId: '42', text: 'again' }, { auth: auth() }));
    expect(out.text).toBe('again');
    expect(fake.requests.length - before).toBe(2);
  });

  it('fails at once on a flood limit longer than a minute', async () => {
    fake.once(`POST ${BOT}/sendMessage`, {
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 3600',
        parameters: { retry_after: 3600 },
      },
    });
    await expect(
      sendMessageAction.run(actionContext({ chatId: '42', text: 'x' }, { auth: auth() })),
    ).rejects.toThrow('(retry after 3600 s)');
  });
});

describe('telegram.send_photo', () => {
  it('sends a photo URL with a caption and returns the largest size', async () => {
    const out = await sendPhotoAction.run(
      actionContext(
        { chatId: '42', photo: 'https://example.com/chart.png', caption: 'Signups' },
        { auth: auth() },
      ),
    );
    expect(out).toMatchObject({ caption: 'Signups', photoFileId: 'large', text: null });
    const call = fake.requests.filter((r) => r.path === `${BOT}/sendPhoto`).at(-1)!;
    expect(call.json()).toEqual({
      chat_id: '42',
      photo: 'https://example.com/chart.png',
      caption: 'Signups',
    });
  });
});

describe('telegram.new_message', () => {
  it('fires once per update across restarts and confirms them with the offset', async () => {
    incoming('before the workflow');
    const harness = await createPollHarness(newMessageTrigger);
    try {
      expect(await harness.poll({}, { auth: auth() })).toEqual({ polled: 1, fired: 0 });
      incoming('/status');
      incoming('other chat', 77);
      expect(await harness.poll({ chatId: '42' }, { auth: auth() })).toEqual({ polled: 1, fired: 1 });
      const offsets = fake.requests
        .filter((r) => r.path === `${BOT}/getUpdates`)
        .map((r) => r.json<{ offset?: number }>().offset);
      expect(offsets).toEqual([undefined, 502]);
      expect((await harness.poll({ chatId: '42' }, { auth: auth() })).fired).toBe(0);
      expect(harness.fired.map((f) => (f.item as { text: string }).text)).toEqual(['/status']);
      expect(harness.fired[0]!.item).toMatchObject({ updateId: 502, chatId: 42, from: { firstName: 'Ada' } });
    } finally {
      await harness.close();
    }
  }, 180_000);
});

describe('telegram.message_webhook', () => {
  const hooks = messageWebhookTrigger.mode === 'webhook' ? messageWebhookTrigger.webhook : undefined;
  const update = JSON.stringify({
    update_id: 9,
    message: {
      message_id: 3,
      date: 1732093502,
      chat: { id: 42, type: 'private', first_name: 'Ada' },
      text: 'hi',
    },
  });

  it('registers and removes the webhook with the secret token', async () => {
    const ctx = triggerContext(
      { secretToken: 's3cret', webhookUrl: 'https://area.example.com/hooks/abc' },
      { auth: auth() },
    );
    await messageWebhookTrigger.onEnable!(ctx);
    expect(webhook).toEqual({
      url: 'https://area.example.com/hooks/abc',
      secret_token: 's3cret',
      allowed_updates: ['message'],
    });
    await expect(
      createPollHarness(newMessageTrigger).then(async (h) => {
        try {
          return await h.poll({}, { auth: auth() });
        } finally {
          await h.close();
        }
      }),
    ).rejects.toThrow("Conflict: can't use getUpdates method while webhook is active");
    await messageWebhookTrigger.onDisable!(ctx);
    expect(webhook).toBeUndefined();
  }, 180_000);

  it('accepts a delivery with the right secret token and rejects others with 401', () => {
    const ctx = triggerContext({ secretToken: 's3cret' });
    const good = webhookRequest({ body: update, headers: { 'x-telegram-bot-api-secret-token': 's3cret' } });
    expect(hooks!.verify!(good, ctx)).toEqual({ ok: true });
    expect(hooks!.toEvent(good, ctx)).toMatchObject({
      updateId: 9,
      messageId: 3,
      chatId: 42,
      text: 'hi',
      from: null,
    });
    // Telegram's redelivery of an update keeps its update_id: the run's idempotency key.
    expect(hooks!.deliveryId!(good)).toBe('9');
    const wrong = webhookRequest({ body: update, headers: { 'x-telegram-bot-api-secret-token': 'guess' } });
    expect(hooks!.verify!(wrong, ctx)).toMatchObject({ ok: false, status: 401 });
    expect(hooks!.verify!(webhookRequest({ body: update }), ctx)).toMatchObject({ ok: false, status: 401 });
  });

  it('ignores updates that are not messages or come from another chat', () => {
    const ctx = triggerContext({ secretToken: 's3cret', chatId: '99' });
    expect(hooks!.toEvent(webhookRequest({ body: update }), ctx)).toBeUndefined();
    const edit = JSON.stringify({ update_id: 10, edited_message: {} });
    expect(
      hooks!.toEvent(webhookRequest({ body: edit }), triggerContext({ secretToken: 's3cret' })),
    ).toBeUndefined();
  });
});

describe('telegram errors and rate limits on every component', () => {
  it('send_photo waits out a flood limit and passes a bad photo error on', async () => {
    fake.once(`POST ${BOT}/sendPhoto`, {
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 0',
        parameters: { retry_after: 0 },
      },
    });
    const out = await sendPhotoAction.run(
      actionContext({ chatId: '42', photo: 'AgACAgIAAx' }, { auth: auth() }),
    );
    expect(out.photoFileId).toBe('large');
    fake.once(`POST ${BOT}/sendPhoto`, {
      status: 400,
      json: {
        ok: false,
        error_code: 400,
        description: 'Bad Request: wrong file identifier/HTTP URL specified',
      },
    });
    await expect(
      sendPhotoAction.run(actionContext({ chatId: '42', photo: 'nope' }, { auth: auth() })),
    ).rejects.toThrow(
      'Telegram answered 400: sendPhoto: Bad Request: wrong file identifier/HTTP URL specified',
    );
  });

  it('getUpdates waits out a flood limit', async () => {
    if (newMessageTrigger.mode !== 'polling') throw new Error('polling expected');
    fake.once(`POST ${BOT}/getUpdates`, {
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 0',
        parameters: { retry_after: 0 },
      },
    });
    const ctx = triggerContext({}, { auth: auth() });
    const items = await newMessageTrigger.polling.poll({
      ...ctx,
      cursor: { seenIds: [], lastTimestamp: undefined, firstPoll: false },
    });
    expect(Array.isArray(items)).toBe(true);
  });
});
