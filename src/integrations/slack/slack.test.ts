import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext, triggerContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { webhookRequest } from '../testing/webhook-request.ts';
import { postMessageAction } from './actions/post-message.ts';
import { setStatusAction } from './actions/set-status.ts';
import { updateMessageAction } from './actions/update-message.ts';
import { slackAuth } from './auth.ts';
import { signSlackRequest } from './common/signature.ts';
import { slackService } from './index.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

const BOT = 'xoxb-good';
const USER = 'xoxp-good';
const SECRET = 'slack-signing-secret';
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeServer();
  const tokenOf = (headers: Record<string, string>) => headers['authorization']?.replace(/^Bearer /, '');
  fake.on('POST /auth.test', (r) =>
    [BOT, USER].includes(tokenOf(r.headers) ?? '')
      ? {
          json: {
            ok: true,
            url: 'https://acme.slack.com/',
            team: 'Acme',
            user: 'areabot',
            team_id: 'T1',
            user_id: 'U1',
          },
        }
      : { json: { ok: false, error: 'invalid_auth' } },
  );
  fake.on('POST /chat.postMessage', (r) => {
    if (tokenOf(r.headers) !== BOT) return { json: { ok: false, error: 'invalid_auth' } };
    if (!r.headers['content-type']?.startsWith('application/json'))
      return { json: { ok: false, error: 'invalid_form_data' } };
    const body = r.json<{ channel: string; text: string; thread_ts?: string }>();
    if (body.channel === 'C404') return { json: { ok: false, error: 'channel_not_found' } };
    return {
      json: {
        ok: true,
        channel: body.channel,
        ts: '1732093502.114900',
        message: {
          type: 'message',
          text: body.text,
          bot_id: 'B1',
          ts: '1732093502.114900',
          ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}),
        },
      },
    };
  });
  fake.on('POST /chat.update', (r) => {
    if (tokenOf(r.headers) !== BOT) return { json: { ok: false, error: 'invalid_auth' } };
    const body = r.json<{ channel: string; ts: string; text: string }>();
    if (body.ts !== '1732093502.114900') return { json: { ok: false, error: 'message_not_found' } };
    return {
      json: { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text } },
    };
  });
  fake.on('POST /users.profile.set', (r) => {
    if (tokenOf(r.headers) === BOT) {
      return { json: { ok: false, error: 'not_allowed_token_type' } };
    }
    if (tokenOf(r.headers) !== USER) return { json: { ok: false, error: 'invalid_auth' } };
    const { profile } = r.json<{ profile: Record<string, unknown> }>();
    return { json: { ok: true, profile: { real_name: 'Ada', ...profile } } };
  });
});

afterAll(async () => {
  await fake.close();
});

const auth = () => ({ botToken: BOT, userToken: USER, baseUrl: fake.url });
const last = (path: string) => fake.requests.filter((r) => r.path === path).at(-1)!;

describe('slack service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([slackService])).toEqual([]);
  });

  it('checks tokens with auth.test', async () => {
    if (slackAuth.type !== 'custom') throw new Error('custom auth expected');
    const ctx = actionContext({});
    await slackAuth.test?.({ auth: auth(), config: {}, http: ctx.http, signal: ctx.signal });
    await expect(
      slackAuth.test?.({
        auth: { botToken: 'xoxb-bad', baseUrl: fake.url },
        config: {},
        http: ctx.http,
        signal: ctx.signal,
      }),
    ).rejects.toThrow('Slack answered 200: auth.test failed: invalid_auth');
  });
});

describe('slack.post_message', () => {
  it('posts JSON with the bot token and returns the ts', async () => {
    const out = await postMessageAction.run(
      actionContext(
        { channel: 'C123', text: 'Build passed', threadTs: '1732000000.000100' },
        { auth: auth() },
      ),
    );
    expect(out).toEqual({
      channel: 'C123',
      ts: '1732093502.114900',
      threadTs: '1732000000.000100',
      text: 'Build passed',
    });
    const call = last('/chat.postMessage');
    expect(call.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(call.json()).toEqual({
      channel: 'C123',
      text: 'Build passed',
      thread_ts: '1732000000.000100',
      unfurl_links: false,
    });
  });

  it('turns ok:false into a readable error', async () => {
    await expect(
      postMessageAction.run(actionContext({ channel: 'C404', text: 'x' }, { auth: auth() })),
    ).rejects.toThrow('Slack answered 200: chat.postMessage failed: channel_not_found');
  });

  it('waits out a 429 with Retry-After', async () => {
    fake.once('POST /chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: '' });
    const before = fake.requests.length;
    const out = await postMessageAction.run(
      actionContext({ channel: 'C123', text: 'later' }, { auth: auth() }),
    );
    expect(out.text).toBe('later');
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([
      '/chat.postMessage',
      '/chat.postMessage',
    ]);
  });

  it('gives up on a Retry-After longer than a minute', async () => {
    fake.once('POST /chat.postMessage', { status: 429, headers: { 'retry-after': '3600' }, body: '' });
    await expect(
      postMessageAction.run(actionContext({ channel: 'C123', text: 'x' }, { auth: auth() })),
    ).rejects.toThrow('Slack answered 429: rate limited (retry after 3600 s)');
  });

  it('refreshes an OAuth2 connection once when the token expired', async () => {
    let refreshed = 0;
    const ctx = actionContext(
      { channel: 'C123', text: 'after refresh' },
      {
        auth: { accessToken: 'xoxb-expired', baseUrl: fake.url },
        connection: {
          refresh: async () => {
            refreshed += 1;
            return { accessToken: BOT, baseUrl: fake.url };
          },
        },
      },
    );
    const out = await postMessageAction.run(ctx);
    expect(out.text).toBe('after refresh');
    expect(refreshed).toBe(1);
  });
});

describe('slack.update_message', () => {
  it('updates by channel and ts', async () => {
    const out = await updateMessageAction.run(
      actionContext({ channel: 'C123', ts: '1732093502.114900', text: 'Deploy finished' }, { auth: auth() }),
    );
    expect(out).toEqual({ channel: 'C123', ts: '1732093502.114900', text: 'Deploy finished' });
    expect(last('/chat.update').json()).toEqual({
      channel: 'C123',
      ts: '1732093502.114900',
      text: 'Deploy finished',
    });
    await expect(
      updateMessageAction.run(actionContext({ channel: 'C123', ts: '1.2', text: 'x' }, { auth: auth() })),
    ).rejects.toThrow('chat.update failed: message_not_found');
  });
});

describe('slack.set_status', () => {
  it('sets the profile status with the user token', async () => {
    const out = await setStatusAction.run(
      actionContext({ text: 'In a meeting', emoji: ':calendar:', expiresInMinutes: 30 }, { auth: auth() }),
    );
    expect(out.text).toBe('In a meeting');
    expect(out.emoji).toBe(':calendar:');
    expect(out.expiresAt).not.toBeNull();
    const call = last('/users.profile.set');
    expect(call.headers['authorization']).toBe(`Bearer ${USER}`);
    const sent = call.json<{ profile: { status_expiration: number } }>();
    expect(sent.profile.status_expiration).toBeGreaterThan(Math.floor(Date.now() / 1000));
  });

  it('explains when only a bot token is connected', async () => {
    await expect(
      setStatusAction.run(actionContext({ text: 'x' }, { auth: { botToken: BOT, baseUrl: fake.url } })),
    ).rejects.toThrow('users.profile.set failed: not_allowed_token_type');
  });
});

describe('slack.new_message', () => {
  const hooks = newMessageTrigger.mode === 'webhook' ? newMessageTrigger.webhook : undefined;
  const now = () => Math.floor(Date.now() / 1000);
  const envelope = (event: Record<string, unknown>) =>
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: 'Ev1',
      event_time: 1732093502,
      event: {
        type: 'message',
        channel: 'C123',
        channel_type: 'channel',
        user: 'U9',
        text: 'hi',
        ts: '1732093502.114900',
        ...event,
      },
    });
  const ctx = (props: Record<string, unknown> = {}) => triggerContext({ signingSecret: SECRET, ...props });

  it('accepts a correctly signed delivery and maps the message', () => {
    const body = envelope({});
    const request = webhookRequest({ body, headers: signSlackRequest(SECRET, body, now()) });
    expect(hooks!.verify!(request, ctx())).toEqual({ ok: true });
    expect(hooks!.toEvent(request, ctx())).toEqual({
      eventId: 'Ev1',
      teamId: 'T1',
      channel: 'C123',
      channelType: 'channel',
      user: 'U9',
      botId: null,
      text: 'hi',
      ts: '1732093502.114900',
      threadTs: null,
      sentAt: '2024-11-20T09:05:02.114Z',
    });
  });

  it('rejects a wrong signature, a stale timestamp and a missing secret with 401', () => {
    const body = envelope({});
    const wrong = webhookRequest({ body, headers: signSlackRequest('other-secret', body, now()) });
    expect(hooks!.verify!(wrong, ctx())).toMatchObject({ ok: false, status: 401 });
    const stale = webhookRequest({ body, headers: signSlackRequest(SECRET, body, now() - 600) });
    expect(hooks!.verify!(stale, ctx())).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringContaining('too old'),
    });
    const tampered = webhookRequest({
      body: envelope({ text: 'changed' }),
      headers: signSlackRequest(SECRET, body, now()),
    });
    expect(hooks!.verify!(tampered, ctx())).toMatchObject({ ok: false, status: 401 });
    const unsigned = webhookRequest({ body });
    expect(hooks!.verify!(unsigned, ctx())).toMatchObject({ ok: false, status: 401 });
    expect(
      hooks!.verify!(
        webhookRequest({ body, headers: signSlackRequest(SECRET, body, now()) }),
        triggerContext({ signingSecret: '' }),
      ),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('answers the url_verification handshake with the challenge', () => {
    const body = JSON.stringify({
      token: 'legacy',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const request = webhookRequest({ body, headers: signSlackRequest(SECRET, body, now()) });
    expect(hooks!.verify!(request, ctx())).toEqual({ ok: true });
    expect(hooks!.handshake!(request, ctx())).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
    });
    expect(hooks!.handshake!(webhookRequest({ body: envelope({}) }), ctx())).toBeUndefined();
  });

  it('ignores bots, edits, other channels and (when asked) thread replies', () => {
    const run = (event: Record<string, unknown>, props: Record<string, unknown> = {}) =>
      hooks!.toEvent(webhookRequest({ body: envelope(event) }), ctx(props));
    expect(run({ bot_id: 'B1' })).toBeUndefined();
    expect(run({ bot_id: 'B1' }, { includeBots: true })).toMatchObject({ botId: 'B1' });
    expect(run({ subtype: 'message_changed' })).toBeUndefined();
    expect(run({ channel: 'C999' }, { channel: 'C123' })).toBeUndefined();
    expect(run({ thread_ts: '1732000000.000100' })).toMatchObject({ threadTs: '1732000000.000100' });
    expect(run({ thread_ts: '1732000000.000100' }, { includeThreadReplies: false })).toBeUndefined();
  });
});

describe('slack rate limits on every action', () => {
  it('update_message and set_status wait out a 429 too', async () => {
    fake.once('POST /chat.update', { status: 429, headers: { 'retry-after': '0' }, body: '' });
    const updated = await updateMessageAction.run(
      actionContext({ channel: 'C123', ts: '1732093502.114900', text: 'again' }, { auth: auth() }),
    );
    expect(updated.text).toBe('again');
    fake.once('POST /users.profile.set', { status: 429, headers: { 'retry-after': '0' }, body: '' });
    const status = await setStatusAction.run(
      actionContext({ text: 'Lunch', emoji: ':taco:' }, { auth: auth() }),
    );
    expect(status).toEqual({ text: 'Lunch', emoji: ':taco:', expiresAt: null });
  });
});
