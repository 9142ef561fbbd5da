import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, insertPublishedWorkflow } from '../../engine/engine-fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser } from '../../testing/test-users.ts';
import { signSlackRequest } from './common/signature.ts';

const SECRET = 'slack-signing-secret';
let t: TestApp;
let token: string;
let workflowId: string;

beforeAll(async () => {
  t = await createTestApp();
  const user = await createTestUser(t);
  const wf = await insertPublishedWorkflow(
    t.ctx.db,
    user.id,
    definition(
      { key: 'msg', service: 'slack', component: 'new_message', config: { signingSecret: SECRET } },
      [],
    ),
  );
  token = wf.webhookToken;
  workflowId = wf.id;
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const runs = () =>
  t.ctx.db.selectFrom('executions').selectAll().where('workflow_id', '=', workflowId).execute();

function deliver(payload: unknown, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify(payload);
  return t.server.inject({
    method: 'POST',
    url: `/hooks/${token}`,
    headers: { 'content-type': 'application/json', ...signSlackRequest(secret, body, timestamp) },
    payload: body,
  });
}

const message = {
  type: 'event_callback',
  team_id: 'T1',
  event_id: 'Ev42',
  event: { type: 'message', channel: 'C1', user: 'U1', text: 'deploy please', ts: '1732093502.114900' },
};

describe('a Slack Events API delivery to Area', () => {
  it('with a wrong signature or an old timestamp is answered 401 and records nothing', async () => {
    expect((await deliver(message, 'wrong')).statusCode).toBe(401);
    expect((await deliver(message, SECRET, Math.floor(Date.now() / 1000) - 3600)).statusCode).toBe(401);
    expect(await runs()).toHaveLength(0);
  });

  it('answers the url_verification handshake with the challenge', async () => {
    const response = await deliver({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: 'c-123' });
    expect(await runs()).toHaveLength(0);
  });

  it('a message starts a run with the message as trigger data', async () => {
    const response = await deliver(message);
    expect(response.statusCode).toBe(202);
    const recorded = await runs();
    expect(recorded).toHaveLength(1);
    const data =
      typeof recorded[0]!.trigger_data === 'string'
        ? JSON.parse(recorded[0]!.trigger_data)
        : recorded[0]!.trigger_data;
    expect(data).toMatchObject({ channel: 'C1', user: 'U1', text: 'deploy please', eventId: 'Ev42' });
  });

  it('a retry of the same event_id (no delivery header) starts no second run', async () => {
    const retry = { ...message, event_id: 'Ev43' };
    const first = await deliver(retry);
    expect(first.statusCode).toBe(202);
    const again = await deliver(retry);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ executionId: first.json().executionId });
    const recorded = await runs();
    expect(recorded.filter((r) => r.idempotency_key === 'delivery-id:Ev43')).toHaveLength(1);
    expect(recorded).toHaveLength(2);
  });
});
