import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { deliveryFields, githubHooks, type RepositoryPayload, webhookProps } from '../common/webhook.ts';

interface PushPayload extends RepositoryPayload {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  compare: string;
  pusher: { name: string; email?: string | null };
  commits: {
    id: string;
    message: string;
    url: string;
    timestamp: string;
    author: { name: string; email?: string; username?: string };
  }[];
}

export const pushTrigger = defineTrigger({
  key: 'push',
  name: 'Push',
  description: 'Runs when commits are pushed to a repository (webhook event “push”).',
  mode: 'webhook',
  props: {
    ...webhookProps,
    branch: prop.text({
      displayName: 'Only branch',
      description: 'Empty for every branch and tag.',
      placeholder: 'main',
    }),
    includeDeletions: prop.boolean({ displayName: 'Include branch deletions', default: false }),
  },
  output: {
    type: 'object',
    properties: {
      ...deliveryFields,
      ref: { type: 'string' },
      branch: { type: ['string', 'null'] },
      before: { type: 'string' },
      after: { type: 'string' },
      created: { type: 'boolean' },
      deleted: { type: 'boolean' },
      forced: { type: 'boolean' },
      compareUrl: { type: 'string' },
      pusher: { type: 'string' },
      commits: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            message: { type: 'string' },
            url: { type: 'string' },
            author: { type: 'string' },
            timestamp: { type: 'string' },
          },
          required: ['id', 'message', 'url', 'author', 'timestamp'],
        },
      },
    },
    required: [
      'repository',
      'sender',
      'ref',
      'branch',
      'before',
      'after',
      'created',
      'deleted',
      'forced',
      'compareUrl',
      'pusher',
      'commits',
    ],
  },
  sampleOutput: {
    repository: 'octo-org/website',
    sender: 'octocat',
    ref: 'refs/heads/main',
    branch: 'main' as string | null,
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    created: false,
    deleted: false,
    forced: false,
    compareUrl: 'https://github.com/octo-org/website/compare/6113728f27ae...0d1a26e67d8f',
    pusher: 'octocat',
    commits: [
      {
        id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
        message: 'Fix checkout on Safari',
        url: 'https://github.com/octo-org/website/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
        author: 'Mona Lisa',
        timestamp: '2026-11-20T09:15:02+01:00',
      },
    ],
  },
  webhook: githubHooks<
    {
      webhookSecret: string;
      repository?: string | undefined;
      branch?: string | undefined;
      includeDeletions?: boolean | undefined;
    },
    PushPayload
  >({
    event: 'push',
    toEvent(payload, props) {
      const branch = payload.ref.startsWith('refs/heads/') ? payload.ref.slice('refs/heads/'.length) : null;
      if (props.branch && branch !== props.branch) return undefined;
      if (payload.deleted && !props.includeDeletions) return undefined;
      return {
        repository: payload.repository?.full_name ?? '',
        sender: payload.sender?.login ?? null,
        ref: payload.ref,
        branch,
        before: payload.before,
        after: payload.after,
        created: payload.created,
        deleted: payload.deleted,
        forced: payload.forced,
        compareUrl: payload.compare,
        pusher: payload.pusher.name,
        commits: payload.commits.map((c) => ({
          id: c.id,
          message: c.message,
          url: c.url,
          author: c.author.name,
          timestamp: c.timestamp,
        })),
      };
    },
  }),
});
