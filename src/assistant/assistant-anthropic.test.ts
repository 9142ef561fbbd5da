import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.ts';
import { PROMPT_VERSION } from './system-prompt.ts';
import { createTestConnection, parseSse, syncTestServices } from './test-fixtures.ts';

const API_KEY = 'sk-ant-admin-key-0123456789';

describe('the assistant with Anthropic’s messages API', () => {
  let t: TestApp;
  let fake: FakeModelServer;
  let user: TestUser;
  let slack: string;
  let github: string;

  beforeAll(async () => {
    fake = await startFakeModelServer('anthropic');
    t = await createTestApp({
      env: {
        ASSISTANT_PROVIDER: 'anthropic',
        ASSISTANT_BASE_URL: fake.url,
        ASSISTANT_API_KEY: API_KEY,
        ASSISTANT_MODEL: 'claude-test',
      },
    });
    await syncTestServices(t);
    await createTestUser(t);
    user = await createTestUser(t);
    slack = await createTestConnection(t, user.id, 'fake_slack', { token: 'xoxb-1' });
    github = await createTestConnection(t, user.id, 'fake_github', { token: 'ghp-1' });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('repairs a proposal after the validator’s problems and the user accepts the draft', async () => {
    const definition = (channel: string) => ({
      name: 'Stars to chat',
      trigger: {
        key: 'star',
        service: 'fake_github',
        component: 'new_star',
        connection: github,
        config: { repository: 'area/area' },
      },
      actions: [
        {
          key: 'post',
          service: 'fake_slack',
          component: 'send_message',
          connection: slack,
          config: { channel, text: '{{ trigger.stargazer }}' },
        },
      ],
    });
    fake.script(
      {
        text: ['Let me ', 'build it.'],
        toolCalls: [
          { name: 'propose_workflow', arguments: { summary: 'a', definition: definition('general') } },
        ],
        usage: { input: 800, output: 100 },
      },
      {
        toolCalls: [
          {
            name: 'propose_workflow',
            arguments: { summary: 'Posts stars.', definition: definition('#general') },
          },
        ],
        usage: { input: 900, output: 120 },
      },
    );
    const session = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: user.headers,
      payload: { name: 'Stars' },
    });
    const res = await t.server.inject({
      method: 'POST',
      url: `/api/v1/assistant/sessions/${session.json().id}/messages`,
      headers: user.headers,
      payload: { content: 'When someone stars my repo, post it to general' },
    });
    const events = parseSse(res.body);
    expect(events.filter((e) => e.event === 'token').map((e) => e.data['text'])).toEqual([
      'Let me ',
      'build it.',
    ]);
    const done = events.find((e) => e.event === 'done')?.data;
    expect(done).toMatchObject({
      model: 'claude-test',
      usage: { inputTokens: 1700, outputTokens: 220, credits: 2 },
      promptVersion: PROMPT_VERSION,
    });
    expect(done?.['proposal']).toMatchObject({ valid: true });

    expect(fake.requests).toHaveLength(2);
    const first = fake.requests[0];
    expect(first?.headers['x-api-key']).toBe(API_KEY);
    expect(typeof first?.body['system']).toBe('string');
    const tools = first?.body['tools'] as { name: string; input_schema: unknown }[];
    expect(tools.map((tool) => tool.name)).toEqual(['propose_workflow', 'ask_user']);
    // The second request carries the tool_use and, as the user's turn, the validator's problems.
    const messages = fake.requests[1]?.body['messages'] as {
      role: string;
      content: { type: string; content?: string; tool_use_id?: string }[];
    }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]?.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    const result = messages[2]?.content[0];
    expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
    expect(result?.content).toContain('definition.actions[0].config.channel');

    const accepted = await t.server.inject({
      method: 'POST',
      url: `/api/v1/assistant/sessions/${session.json().id}/accept`,
      headers: user.headers,
      payload: { name: 'My stars' },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const row = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', accepted.json().workflowId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'My stars',
      status: 'draft',
      created_from_chat: true,
      chat_session_id: session.json().id,
    });
  });

  it('accepting with nothing proposed is a conflict that says why', async () => {
    const session = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: user.headers,
      payload: {},
    });
    const res = await t.server.inject({
      method: 'POST',
      url: `/api/v1/assistant/sessions/${session.json().id}/accept`,
      headers: user.headers,
      payload: {},
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toMatchObject({ path: 'proposal', rule: 'required' });
  });
});
