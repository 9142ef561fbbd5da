import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookHooks } from '../../catalog/define.ts';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext, triggerContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { webhookRequest } from '../testing/webhook-request.ts';
import { commentOnIssueAction } from './actions/comment-on-issue.ts';
import { createIssueAction } from './actions/create-issue.ts';
import { githubAuth } from './auth.ts';
import { githubService } from './index.ts';
import { issueOpenedTrigger } from './triggers/issue-opened.ts';
import { pullRequestOpenedTrigger } from './triggers/pull-request-opened.ts';
import { pushTrigger } from './triggers/push.ts';
import { starTrigger } from './triggers/star.ts';

const TOKEN = 'github_pat_good';
const SECRET = 'It’s a Secret to Everybody';
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeServer();
  const authorized = (headers: Record<string, string>) =>
    headers['authorization'] === `Bearer ${TOKEN}` &&
    headers['accept'] === 'application/vnd.github+json' &&
    headers['x-github-api-version'] === '2022-11-28' &&
    headers['user-agent'] !== undefined;
  const unauthorized = {
    status: 401,
    json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
  };
  fake.on('GET /user', (r) =>
    authorized(r.headers) ? { json: { login: 'area-bot', id: 1 } } : unauthorized,
  );
  fake.on('POST /repos/:owner/:repo/issues', (r) => {
    if (!authorized(r.headers)) return unauthorized;
    const body = r.json<{ title?: string; body?: string; labels?: string[]; assignees?: string[] }>();
    if (!body.title) {
      return {
        status: 422,
        json: {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }],
          documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
        },
      };
    }
    if (r.params['repo'] === 'private') {
      return {
        status: 404,
        json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    return {
      status: 201,
      json: {
        id: 1,
        number: 1347,
        title: body.title,
        body: body.body ?? null,
        state: 'open',
        html_url: `https://github.com/${r.params['owner']}/${r.params['repo']}/issues/1347`,
        user: { login: 'area-bot' },
        labels: (body.labels ?? []).map((name) => ({ id: 208045946, name, color: 'f29513' })),
        assignees: (body.assignees ?? []).map((login) => ({ login })),
        created_at: '2026-11-20T09:15:02Z',
      },
    };
  });
  fake.on('POST /repos/:owner/:repo/issues/:number/comments', (r) => {
    if (!authorized(r.headers)) return unauthorized;
    return {
      status: 201,
      json: {
        id: 1146825,
        html_url: `https://github.com/${r.params['owner']}/${r.params['repo']}/issues/${r.params['number']}#issuecomment-1146825`,
        body: r.json<{ body: string }>().body,
        user: { login: 'area-bot' },
        created_at: '2026-11-20T09:15:02Z',
      },
    };
  });
});

afterAll(async () => {
  await fake.close();
});

const auth = () => ({ token: TOKEN, baseUrl: fake.url });

describe('github service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([githubService])).toEqual([]);
  });

  it('checks the token with GET /user', async () => {
    if (githubAuth.type !== 'custom') throw new Error('custom auth expected');
    const ctx = actionContext({});
    await githubAuth.test?.({ auth: auth(), config: {}, http: ctx.http, signal: ctx.signal });
    await expect(
      githubAuth.test?.({
        auth: { token: 'nope', baseUrl: fake.url },
        config: {},
        http: ctx.http,
        signal: ctx.signal,
      }),
    ).rejects.toThrow('GitHub answered 401: Bad credentials');
  });
});

describe('github.create_issue', () => {
  it('opens an issue with labels and assignees', async () => {
    const out = await createIssueAction.run(
      actionContext(
        {
          repository: 'octo-org/website',
          title: 'Found a bug',
          body: 'Safari',
          labels: ['bug'],
          assignees: ['octocat'],
        },
        { auth: auth() },
      ),
    );
    expect(out).toEqual({
      id: 1,
      number: 1347,
      repository: 'octo-org/website',
      title: 'Found a bug',
      body: 'Safari',
      state: 'open',
      url: 'https://github.com/octo-org/website/issues/1347',
      author: 'area-bot',
      labels: ['bug'],
      assignees: ['octocat'],
      createdAt: '2026-11-20T09:15:02Z',
    });
    const call = fake.requests.filter((r) => r.path === '/repos/octo-org/website/issues').at(-1)!;
    expect(call.json()).toEqual({
      title: 'Found a bug',
      body: 'Safari',
      labels: ['bug'],
      assignees: ['octocat'],
    });
  });

  it('explains a validation failure with the field', async () => {
    await expect(
      createIssueAction.run(actionContext({ repository: 'octo-org/website', title: '' }, { auth: auth() })),
    ).rejects.toThrow('GitHub answered 422: Validation Failed (title missing_field)');
  });

  it('passes a 404 on', async () => {
    await expect(
      createIssueAction.run(actionContext({ repository: 'octo-org/private', title: 'x' }, { auth: auth() })),
    ).rejects.toThrow('GitHub answered 404: Not Found');
  });

  it('waits out a secondary rate limit (403 with Retry-After) and a 429', async () => {
    fake.once('POST /repos/:owner/:repo/issues', {
      status: 403,
      headers: { 'retry-after': '1' },
      json: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    });
    fake.once('POST /repos/:owner/:repo/issues', {
      status: 429,
      headers: { 'retry-after': '0' },
      json: { message: 'Too many' },
    });
    const before = fake.requests.length;
    const out = await createIssueAction.run(
      actionContext({ repository: 'octo-org/website', title: 'Later' }, { auth: auth() }),
    );
    expect(out.title).toBe('Later');
    expect(fake.requests.length - before).toBe(3);
  });

  it('fails at once when the hourly quota resets in more than a minute', async () => {
    fake.once('POST /repos/:owner/:repo/issues', {
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1800),
      },
      json: { message: 'API rate limit exceeded for user ID 1.' },
    });
    await expect(
      createIssueAction.run(actionContext({ repository: 'octo-org/website', title: 'x' }, { auth: auth() })),
    ).rejects.toThrow(/GitHub answered 403: rate limited \(retry after \d+ s\): API rate limit exceeded/);
  });

  it('refreshes an OAuth2 token after a 401, once', async () => {
    let refreshes = 0;
    const out = await createIssueAction.run(
      actionContext(
        { repository: 'octo-org/website', title: 'After refresh' },
        {
          auth: { accessToken: 'gho_expired', baseUrl: fake.url },
          connection: {
            refresh: async () => {
              refreshes += 1;
              return { accessToken: TOKEN, baseUrl: fake.url };
            },
          },
        },
      ),
    );
    expect(out.title).toBe('After refresh');
    expect(refreshes).toBe(1);
  });
});

describe('github.comment_on_issue', () => {
  it('comments on the numbered issue', async () => {
    const out = await commentOnIssueAction.run(
      actionContext({ repository: 'octo-org/website', issueNumber: 1347, body: 'On it' }, { auth: auth() }),
    );
    expect(out).toEqual({
      id: 1146825,
      url: 'https://github.com/octo-org/website/issues/1347#issuecomment-1146825',
      body: 'On it',
      author: 'area-bot',
      issueNumber: 1347,
      createdAt: '2026-11-20T09:15:02Z',
    });
  });
});

function delivery(event: string, payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return webhookRequest({
    body,
    headers: { 'x-github-event': event, 'x-github-delivery': 'f1e2d3c4', 'x-hub-signature-256': signature },
  });
}

const repository = {
  full_name: 'octo-org/website',
  html_url: 'https://github.com/octo-org/website',
  stargazers_count: 1024,
};
const sender = { login: 'octocat' };

describe('github webhook triggers', () => {
  const hooksOf = (trigger: { mode: string; webhook?: unknown }) =>
    trigger.webhook as WebhookHooks<Record<string, unknown>>;

  it('all reject a wrong or missing signature with 401', () => {
    for (const trigger of [pushTrigger, issueOpenedTrigger, pullRequestOpenedTrigger, starTrigger]) {
      const hooks = hooksOf(trigger);
      const ctx = triggerContext({ webhookSecret: SECRET });
      expect(hooks.verify!(delivery('star', { action: 'created' }), ctx)).toEqual({ ok: true });
      expect(hooks.verify!(delivery('star', { action: 'created' }, 'wrong'), ctx)).toMatchObject({
        ok: false,
        status: 401,
      });
      const unsigned = webhookRequest({ body: '{}', headers: { 'x-github-event': 'star' } });
      expect(hooks.verify!(unsigned, ctx)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('answer the ping handshake', () => {
    const hooks = hooksOf(pushTrigger);
    const ping = delivery('ping', { zen: 'Design for failure.', hook_id: 42, hook: { type: 'Repository' } });
    const ctx = triggerContext({ webhookSecret: SECRET });
    expect(hooks.verify!(ping, ctx)).toEqual({ ok: true });
    expect(hooks.handshake!(ping, ctx)).toEqual({
      status: 200,
      body: { ok: true, zen: 'Design for failure.', hookId: 42 },
    });
    expect(hooks.handshake!(delivery('push', {}), ctx)).toBeUndefined();
  });

  it('push: maps commits and filters by branch and repository', () => {
    const hooks = hooksOf(pushTrigger);
    const payload = {
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      created: false,
      deleted: false,
      forced: false,
      compare: 'https://github.com/octo-org/website/compare/aaa...bbb',
      pusher: { name: 'octocat', email: 'octocat@github.com' },
      commits: [
        {
          id: 'b'.repeat(40),
          message: 'Fix checkout',
          url: 'https://github.com/octo-org/website/commit/bbb',
          timestamp: '2026-11-20T09:15:02+01:00',
          author: { name: 'Mona Lisa', email: 'mona@github.com' },
        },
      ],
      repository,
      sender,
    };
    const event = hooks.toEvent(
      delivery('push', payload),
      triggerContext({ webhookSecret: SECRET, branch: 'main' }),
    );
    expect(event).toMatchObject({
      repository: 'octo-org/website',
      branch: 'main',
      pusher: 'octocat',
      commits: [{ message: 'Fix checkout', author: 'Mona Lisa' }],
    });
    expect(
      hooks.toEvent(delivery('push', payload), triggerContext({ webhookSecret: SECRET, branch: 'dev' })),
    ).toBeUndefined();
    expect(
      hooks.toEvent(
        delivery('push', payload),
        triggerContext({ webhookSecret: SECRET, repository: 'other/repo' }),
      ),
    ).toBeUndefined();
    expect(
      hooks.toEvent(
        delivery('push', { ...payload, deleted: true }),
        triggerContext({ webhookSecret: SECRET }),
      ),
    ).toBeUndefined();
    expect(
      hooks.toEvent(delivery('issues', payload), triggerContext({ webhookSecret: SECRET })),
    ).toBeUndefined();
  });

  it('issue_opened: only the opened action', () => {
    const hooks = hooksOf(issueOpenedTrigger);
    const issue = {
      id: 1,
      number: 1347,
      title: 'Found a bug',
      body: 'Safari',
      state: 'open',
      html_url: 'https://github.com/octo-org/website/issues/1347',
      user: { login: 'octocat' },
      labels: [{ name: 'bug' }],
      assignees: [],
      created_at: '2026-11-20T09:15:02Z',
    };
    const ctx = triggerContext({ webhookSecret: SECRET });
    expect(hooks.toEvent(delivery('issues', { action: 'opened', issue, repository, sender }), ctx)).toEqual({
      id: 1,
      number: 1347,
      repository: 'octo-org/website',
      title: 'Found a bug',
      body: 'Safari',
      state: 'open',
      url: 'https://github.com/octo-org/website/issues/1347',
      author: 'octocat',
      labels: ['bug'],
      assignees: [],
      createdAt: '2026-11-20T09:15:02Z',
      sender: 'octocat',
    });
    expect(
      hooks.toEvent(delivery('issues', { action: 'closed', issue, repository, sender }), ctx),
    ).toBeUndefined();
  });

  it('pull_request_opened: maps branches and can skip drafts', () => {
    const hooks = hooksOf(pullRequestOpenedTrigger);
    const pr = {
      id: 279147437,
      number: 1348,
      title: 'Fix checkout',
      body: null,
      html_url: 'https://github.com/octo-org/website/pull/1348',
      draft: true,
      user: { login: 'octocat' },
      head: { ref: 'fix-safari', sha: 'c'.repeat(40) },
      base: { ref: 'main' },
      created_at: '2026-11-20T09:15:02Z',
    };
    const payload = { action: 'opened', number: 1348, pull_request: pr, repository, sender };
    expect(
      hooks.toEvent(delivery('pull_request', payload), triggerContext({ webhookSecret: SECRET })),
    ).toMatchObject({
      number: 1348,
      draft: true,
      headBranch: 'fix-safari',
      baseBranch: 'main',
    });
    expect(
      hooks.toEvent(
        delivery('pull_request', payload),
        triggerContext({ webhookSecret: SECRET, includeDrafts: false }),
      ),
    ).toBeUndefined();
    expect(
      hooks.toEvent(
        delivery('pull_request', { ...payload, action: 'synchronize' }),
        triggerContext({ webhookSecret: SECRET }),
      ),
    ).toBeUndefined();
  });

  it('star: new stars only', () => {
    const hooks = hooksOf(starTrigger);
    const ctx = triggerContext({ webhookSecret: SECRET });
    const payload = {
      action: 'created',
      starred_at: '2026-11-20T09:15:02Z',
      repository,
      sender: { login: 'mona' },
    };
    expect(hooks.toEvent(delivery('star', payload), ctx)).toEqual({
      repository: 'octo-org/website',
      sender: 'mona',
      repositoryUrl: 'https://github.com/octo-org/website',
      stargazers: 1024,
      starredAt: '2026-11-20T09:15:02Z',
    });
    expect(
      hooks.toEvent(delivery('star', { ...payload, action: 'deleted', starred_at: null }), ctx),
    ).toBeUndefined();
  });
});

describe('github.comment_on_issue errors and rate limits', () => {
  it('waits out a 429 and passes a 404 on', async () => {
    fake.once('POST /repos/:owner/:repo/issues/:number/comments', {
      status: 429,
      headers: { 'retry-after': '0' },
      json: { message: 'Too many' },
    });
    const out = await commentOnIssueAction.run(
      actionContext({ repository: 'octo-org/website', issueNumber: 5, body: 'later' }, { auth: auth() }),
    );
    expect(out.body).toBe('later');
    fake.once('POST /repos/:owner/:repo/issues/:number/comments', {
      status: 404,
      json: { message: 'Not Found' },
    });
    await expect(
      commentOnIssueAction.run(
        actionContext({ repository: 'octo-org/website', issueNumber: 999, body: 'x' }, { auth: auth() }),
      ),
    ).rejects.toThrow('GitHub answered 404: Not Found');
  });
});
