import { defineTrigger } from '../../../catalog/define.ts';
import { type ApiIssue, issueSchema, sampleIssue, toIssue } from '../common/issue.ts';
import { deliveryFields, githubHooks, type RepositoryPayload, webhookProps } from '../common/webhook.ts';

interface IssuesPayload extends RepositoryPayload {
  action: string;
  issue: ApiIssue;
}

export const issueOpenedTrigger = defineTrigger({
  key: 'issue_opened',
  name: 'Issue opened',
  description: 'Runs when an issue is opened (webhook event “issues”, action “opened”).',
  mode: 'webhook',
  props: webhookProps,
  output: {
    ...issueSchema,
    properties: { ...(issueSchema['properties'] as object), sender: deliveryFields.sender },
    required: [...(issueSchema['required'] as string[]), 'sender'],
  },
  sampleOutput: { ...sampleIssue, sender: 'octocat' as string | null },
  webhook: githubHooks<{ webhookSecret: string; repository?: string | undefined }, IssuesPayload>({
    event: 'issues',
    toEvent(payload) {
      if (payload.action !== 'opened') return undefined;
      return {
        ...toIssue(payload.issue, payload.repository?.full_name ?? ''),
        sender: payload.sender?.login ?? null,
      };
    },
  }),
});
