import { defineTrigger } from '../../../catalog/define.ts';
import { deliveryFields, githubHooks, type RepositoryPayload, webhookProps } from '../common/webhook.ts';

interface StarPayload extends RepositoryPayload {
  action: 'created' | 'deleted';
  starred_at: string | null;
  repository: { full_name: string; html_url: string; stargazers_count?: number };
}

export const starTrigger = defineTrigger({
  key: 'star',
  name: 'New star',
  description: 'Runs when someone stars a repository (webhook event “star”, action “created”).',
  mode: 'webhook',
  props: webhookProps,
  output: {
    type: 'object',
    properties: {
      ...deliveryFields,
      repositoryUrl: { type: 'string', format: 'uri' },
      stargazers: { type: ['integer', 'null'], description: 'Stars after this one' },
      starredAt: { type: ['string', 'null'], format: 'date-time' },
    },
    required: ['repository', 'sender', 'repositoryUrl', 'stargazers', 'starredAt'],
  },
  sampleOutput: {
    repository: 'octo-org/website',
    sender: 'mona' as string | null,
    repositoryUrl: 'https://github.com/octo-org/website',
    stargazers: 1024 as number | null,
    starredAt: '2026-11-20T09:15:02Z' as string | null,
  },
  webhook: githubHooks<{ webhookSecret: string; repository?: string | undefined }, StarPayload>({
    event: 'star',
    toEvent(payload) {
      if (payload.action !== 'created') return undefined;
      return {
        repository: payload.repository.full_name,
        sender: payload.sender?.login ?? null,
        repositoryUrl: payload.repository.html_url,
        stargazers: payload.repository.stargazers_count ?? null,
        starredAt: payload.starred_at,
      };
    },
  }),
});
