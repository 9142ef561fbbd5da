import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext, triggerContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness } from '../testing/poll-harness.ts';
import { sendMessageAction } from './actions/send-message.ts';
import { setChannelTopicAction } from './actions/set-channel-topic.ts';
import { discordAuth } from './auth.ts';
import { discordService } from './index.ts';
import { memberJoinedTrigger } from './triggers/member-joined.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

const TOKEN = 'bot-token-123';
let fake: FakeServer;
const channelMessages: Record<string, unknown>[] = [];
const members: Record<string, unknown>[] = [];

const apiMessage = (id: string, content: string, bot = false) => ({
  id,
  channel_id: '111111',
  content,
  timestamp: '2026-11-20T09:15:02.114000+00:00',
  author: { id: bot ? '999' : '42', username: bot ? 'areabot' : 'nelly', global_name: null, bot },
  attachments: [],
});

function requireBot(headers: Record<string, string>) {
  if (headers['authorization'] !== `Bot ${TOKEN}`)
    return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
  return undefined;
}

beforeAll(async () => {
  fake = await startFakeServer();
  fake.on(
    'GET /users/@me',
    (r) => requireBot(r.headers) ?? { json: { id: '999', username: 'areabot', bot: true } },
  );
  fake.on('POST /channels/:id/messages', (r) => {
    const denied = requireBot(r.headers);
    if (denied) return denied;
    if (r.params['id'] === '404404')
      return { status: 404, json: { message: 'Unknown Channel', code: 10003 } };
    const body = r.json<{ content: string }>();
    return { json: { ...apiMessage('5001', body.content, true), channel_id: r.params['id'] } };
  });
  fake.on('GET /channels/:id/messages', (r) => {
    const denied = requireBot(r.headers);
    if (denied) return denied;
    const after = r.query.get('after');
    const list = channelMessages.filter((m) => !after || BigInt(m['id'] as string) > BigInt(after));
    // Discord lists newest first.
    return { json: [...list].reverse() };
  });
  fake.on('PATCH /channels/:id', (r) => {
    const denied = requireBot(r.headers);
    if (denied) return denied;
    const topic = r.json<{ topic: string }>().topic;
    return { json: { id: r.params['id'], name: 'ops', topic, type: 0 } };
  });
  fake.on('GET /guilds/:id/members', (r) => {
    const denied = requireBot(r.headers);
    if (denied) return denied;
    const limit = Number(r.query.get('limit'));
    const after = r.query.get('after') ?? '0';
    const page = members
      .filter((m) => BigInt((m['user'] as { id: string }).id) > BigInt(after))
      .slice(0, limit);
    return { json: page };
  });
  fake.on('POST /api/webhooks/:id/:token', (r) => {
    if (r.params['token'] !== 'hooktoken')
      return { status: 401, json: { message: 'Invalid Webhook Token', code: 50027 } };
    if (r.query.get('wait') !== 'true') return { status: 204 };
    const body = r.json<{ content: string; username?: string }>();
    return { json: { ...apiMessage('6001', body.content, true), webhook_id: r.params['id'] } };
  });
});

afterAll(async () => {
  await fake.close();
});

const botAuth = () => ({ botToken: TOKEN, baseUrl: fake.url });

/** Requests that reached a declared route (its `:param` segments match any one segment). */
function calls(method: string, route: string) {
  const pattern = new RegExp(`^${route.replace(/:[a-z]+/gi, '[^/]+')}$`);
  return fake.requests.filter((r) => r.method === method && pattern.test(r.path));
}

describe('discord service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([discordService])).toEqual([]);
  });

  it('checks a bot token against /users/@me and reports a wrong one', async () => {
    if (discordAuth.type !== 'custom') throw new Error('custom auth expected');
    const ctx = actionContext({});
    await discordAuth.test?.({ auth: botAuth(), config: {}, http: ctx.http, signal: ctx.signal });
    await expect(
      discordAuth.test?.({
        auth: { botToken: 'wrong', baseUrl: fake.url },
        config: {},
        http: ctx.http,
        signal: ctx.signal,
      }),
    ).rejects.toThrow('Discord answered 401: 401: Unauthorized');
  });
});

describe('discord.send_message', () => {
  it('posts as the bot to a channel', async () => {
    const ctx = actionContext({ channelId: '111111', content: 'Deploy done' }, { auth: botAuth() });
    const out = await sendMessageAction.run(ctx);
    expect(out).toMatchObject({ id: '5001', channelId: '111111', content: 'Deploy done', via: 'bot' });
    const call = calls('POST', '/channels/:id/messages').at(-1)!;
    expect(call.headers['content-type']).toContain('application/json');
    expect(call.json()).toMatchObject({
      content: 'Deploy done',
      allowed_mentions: { parse: ['users', 'roles'] },
    });
  });

  it('waits out a 429 per retry_after and then succeeds', async () => {
    fake.once('POST /channels/:id/messages', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: { message: 'You are being rate limited.', retry_after: 0.05, global: false },
    });
    const before = calls('POST', '/channels/:id/messages').length;
    const out = await sendMessageAction.run(
      actionContext({ channelId: '111111', content: 'again' }, { auth: botAuth() }),
    );
    expect(out.content).toBe('again');
    expect(calls('POST', '/channels/:id/messages').length - before).toBe(2);
  });

  it('passes Discord’s error message on', async () => {
    await expect(
      sendMessageAction.run(actionContext({ channelId: '404404', content: 'x' }, { auth: botAuth() })),
    ).rejects.toThrow('Discord answered 404: Unknown Channel (code 10003)');
  });

  it('posts through the webhook URL with wait=true when no channel is given', async () => {
    const auth = { webhookUrl: `${fake.url}/api/webhooks/777/hooktoken` };
    const out = await sendMessageAction.run(actionContext({ content: 'hi', username: 'Area' }, { auth }));
    expect(out).toMatchObject({ id: '6001', content: 'hi', via: 'webhook' });
    const call = calls('POST', '/api/webhooks/:id/:token').at(-1)!;
    expect(call.query.get('wait')).toBe('true');
    expect(call.headers['authorization']).toBeUndefined();
    expect(call.json()).toMatchObject({ content: 'hi', username: 'Area' });
  });

  it('says what is missing when the connection cannot post', async () => {
    await expect(
      sendMessageAction.run(actionContext({ content: 'x' }, { auth: { botToken: TOKEN } })),
    ).rejects.toThrow('give a channel ID, or use a connection with a webhook URL');
  });
});

describe('discord.set_channel_topic', () => {
  it('patches the channel with the topic and the audit reason', async () => {
    const out = await setChannelTopicAction.run(
      actionContext(
        { channelId: '111111', topic: 'On call: Nelly', reason: 'rota update' },
        { auth: botAuth() },
      ),
    );
    expect(out).toEqual({ channelId: '111111', name: 'ops', topic: 'On call: Nelly' });
    const call = calls('PATCH', '/channels/:id').at(-1)!;
    expect(call.headers['x-audit-log-reason']).toBe('rota%20update');
    expect(call.json()).toEqual({ topic: 'On call: Nelly' });
  });
});

describe('discord.new_message', () => {
  it('fires once per new message, across a restart, and skips bots', async () => {
    channelMessages.push(apiMessage('1000', 'old message'));
    const props = { channelId: '111111' };
    const harness = await createPollHarness(newMessageTrigger);
    try {
      expect(await harness.poll(props, { auth: botAuth() })).toEqual({ polled: 1, fired: 0 });
      channelMessages.push(
        apiMessage('1001', 'hello'),
        apiMessage('1002', 'from a bot', true),
        apiMessage('1003', 'world'),
      );
      expect(await harness.poll(props, { auth: botAuth() })).toEqual({ polled: 2, fired: 2 });
      expect(calls('GET', '/channels/:id/messages').at(-1)!.query.get('after')).toBe('1000');
      // Each poll builds a fresh context: what it remembers comes from hook_states, as after a restart.
      expect((await harness.poll(props, { auth: botAuth() })).fired).toBe(0);
      channelMessages.push(apiMessage('1004', 'after restart'));
      expect((await harness.poll(props, { auth: botAuth() })).fired).toBe(1);
      expect(harness.fired.map((f) => (f.item as { content: string }).content)).toEqual([
        'hello',
        'world',
        'after restart',
      ]);
      expect(harness.fired[0]!.idempotencyKey).toContain(':1001');
    } finally {
      await harness.close();
    }
  }, 180_000);
});

describe('discord.member_joined', () => {
  it('pages through the member list and fires for new joins only', async () => {
    const member = (id: string, joinedAt: string) => ({
      user: { id, username: `user${id}`, global_name: null },
      nick: null,
      roles: [],
      joined_at: joinedAt,
    });
    // More than one page (1000) of members who joined long ago.
    for (let i = 0; i < 1002; i += 1) members.push(member(String(100 + i), '2026-01-01T00:00:00+00:00'));
    const props = { guildId: '555' };
    const harness = await createPollHarness(memberJoinedTrigger);
    try {
      expect((await harness.poll(props, { auth: botAuth() })).fired).toBe(0);
      expect(calls('GET', '/guilds/:id/members').map((r) => r.query.get('after'))).toEqual(['0', '1099']);
      // A lower user id joining later is still new: newness is the join time.
      members.unshift(member('5', '2026-11-20T10:00:00+00:00'));
      expect(await harness.poll(props, { auth: botAuth() })).toEqual({ polled: 1003, fired: 1 });
      expect(harness.fired.map((f) => f.item)).toEqual([
        {
          guildId: '555',
          userId: '5',
          username: 'user5',
          displayName: null,
          nick: null,
          bot: false,
          roles: [],
          joinedAt: '2026-11-20T10:00:00+00:00',
        },
      ]);
      expect((await harness.poll(props, { auth: botAuth() })).fired).toBe(0);
    } finally {
      await harness.close();
    }
  }, 180_000);
});

describe('discord errors and rate limits on every component', () => {
  it('set_channel_topic waits out a 429 and names a missing permission', async () => {
    fake.once('PATCH /channels/:id', {
      status: 429,
      headers: { 'retry-after': '0.05' },
      json: { message: 'You are being rate limited.', retry_after: 0.05, global: false },
    });
    const ok = await setChannelTopicAction.run(
      actionContext({ channelId: '111111', topic: 'later' }, { auth: botAuth() }),
    );
    expect(ok.topic).toBe('later');
    fake.once('PATCH /channels/:id', { status: 403, json: { message: 'Missing Permissions', code: 50013 } });
    await expect(
      setChannelTopicAction.run(actionContext({ channelId: '111111', topic: 'x' }, { auth: botAuth() })),
    ).rejects.toThrow('Discord answered 403: Missing Permissions (code 50013)');
  });

  it('the polling triggers wait out a 429 and pass errors on', async () => {
    if (newMessageTrigger.mode !== 'polling' || memberJoinedTrigger.mode !== 'polling')
      throw new Error('polling expected');
    const cursor = { seenIds: [], lastTimestamp: undefined, firstPoll: false };
    fake.once('GET /channels/:id/messages', {
      status: 429,
      headers: { 'retry-after': '0.05' },
      json: { message: 'You are being rate limited.', retry_after: 0.05, global: false },
    });
    const ctx = triggerContext({ channelId: '111111' }, { auth: botAuth() });
    expect(Array.isArray(await newMessageTrigger.polling.poll({ ...ctx, cursor }))).toBe(true);
    fake.once('GET /guilds/:id/members', { status: 403, json: { message: 'Missing Access', code: 50001 } });
    const guild = triggerContext({ guildId: '555' }, { auth: botAuth() });
    await expect(memberJoinedTrigger.polling.poll({ ...guild, cursor })).rejects.toThrow(
      'Discord answered 403: Missing Access (code 50001)',
    );
  });
});
