import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, insertPublishedWorkflow } from '../../engine/engine-fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';

const SECRET = 'gh-hook-secret';
let t: TestApp;
let user: TestUser;
let token: string;
let workflowId: string;

beforeAll(async () => {
  t = await createTestApp();
  user = await createTestUser(t);
  const wf = await insertPublishedWorkflow(
    t.ctx.db,
    user.id,
    definition(
      { key: 'issue', service: 'github', component: 'issue_opened', config: { webhookSecret: SECRET } },
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

function deliver(event: string, payload: unknown, secret = SECRET, delivery = 'd-1') {
  const body = JSON.stringify(payload);
  return t.server.inject({
    method: 'POST',
    url: `/hooks/${token}`,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    payload: body,
  });
}

const issue = {
  id: 1,
  number: 7,
  title: 'Broken link',
  body: null,
  state: 'open',
  html_url: 'https://github.com/octo-org/website/issues/7',
  user: { login: 'octocat' },
  labels: [],
  created_at: '2026-11-20T09:15:02Z',
};
const repository = { full_name: 'octo-org/website', html_url: 'https://github.com/octo-org/website' };

describe('a GitHub webhook delivered to Area', () => {
  it('with a wrong signature is answered 401 and records nothing', async () => {
    const response = await deliver('issues', { action: 'opened', issue, repository }, 'not-the-secret');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await runs()).toHaveLength(0);
  });

  it('ping is answered and starts no run', async () => {
    const response = await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 9 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, zen: 'Keep it logically awesome.', hookId: 9 });
    expect(await runs()).toHaveLength(0);
  });

  it('an opened issue starts one run, even when GitHub redelivers it', async () => {
    const first = await deliver(
      'issues',
      { action: 'opened', issue, repository, sender: { login: 'octocat' } },
      SECRET,
      'd-2',
    );
    expect(first.statusCode).toBe(202);
    const again = await deliver(
      'issues',
      { action: 'opened', issue, repository, sender: { login: 'octocat' } },
      SECRET,
      'd-2',
    );
    expect(again.json().executionId).toBe(first.json().executionId);
    const recorded = await runs();
    expect(recorded).toHaveLength(1);
    const data =
      typeof recorded[0]!.trigger_data === 'string'
        ? JSON.parse(recorded[0]!.trigger_data)
        : recorded[0]!.trigger_data;
    expect(data).toMatchObject({
      number: 7,
      title: 'Broken link',
      repository: 'octo-org/website',
      sender: 'octocat',
    });
  });

  it('other actions are ignored', async () => {
    const response = await deliver('issues', { action: 'closed', issue, repository }, SECRET, 'd-3');
    expect(response.statusCode).toBe(200);
    expect(await runs()).toHaveLength(1);
  });
});
