import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { deliveryFields, githubHooks, type RepositoryPayload, webhookProps } from '../common/webhook.ts';

interface PullRequestPayload extends RepositoryPayload {
  action: string;
  number: number;
  pull_request: {
    id: number;
    number: number;
    title: string;
    body: string | null;
    html_url: string;
    draft?: boolean;
    user: { login: string } | null;
    head: { ref: string; sha: string };
    base: { ref: string };
    created_at: string;
  };
}

export const pullRequestOpenedTrigger = defineTrigger({
  key: 'pull_request_opened',
  name: 'Pull request opened',
  description: 'Runs when a pull request is opened (webhook event “pull_request”, action “opened”).',
  mode: 'webhook',
  props: {
    ...webhookProps,
    includeDrafts: prop.boolean({ displayName: 'Include drafts', default: true }),
  },
  output: {
    type: 'object',
    properties: {
      ...deliveryFields,
      id: { type: 'integer' },
      number: { type: 'integer' },
      title: { type: 'string' },
      body: { type: ['string', 'null'] },
      url: { type: 'string', format: 'uri' },
      draft: { type: 'boolean' },
      author: { type: ['string', 'null'] },
      headBranch: { type: 'string' },
      headSha: { type: 'string' },
      baseBranch: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
    },
    required: [
      'repository',
      'sender',
      'id',
      'number',
      'title',
      'body',
      'url',
      'draft',
      'author',
      'headBranch',
      'headSha',
      'baseBranch',
      'createdAt',
    ],
  },
  sampleOutput: {
    repository: 'octo-org/website',
    sender: 'octocat' as string | null,
    id: 279147437,
    number: 1348,
    title: 'Fix checkout on Safari',
    body: 'Closes #1347' as string | null,
    url: 'https://github.com/octo-org/website/pull/1348',
    draft: false,
    author: 'octocat' as string | null,
    headBranch: 'fix-safari',
    headSha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    baseBranch: 'main',
    createdAt: '2026-11-20T09:15:02Z',
  },
  webhook: githubHooks<
    { webhookSecret: string; repository?: string | undefined; includeDrafts?: boolean | undefined },
    PullRequestPayload
  >({
    event: 'pull_request',
    toEvent(payload, props) {
      if (payload.action !== 'opened') return undefined;
      const pr = payload.pull_request;
      if (pr.draft && props.includeDrafts === false) return undefined;
      return {
        repository: payload.repository?.full_name ?? '',
        sender: payload.sender?.login ?? null,
        id: pr.id,
        number: pr.number,
        title: pr.title,
        body: pr.body,
        url: pr.html_url,
        draft: pr.draft === true,
        author: pr.user?.login ?? null,
        headBranch: pr.head.ref,
        headSha: pr.head.sha,
        baseBranch: pr.base.ref,
        createdAt: pr.created_at,
      };
    },
  }),
});
