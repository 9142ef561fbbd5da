import { defineService } from '../../catalog/define.ts';
import { commentOnIssueAction } from './actions/comment-on-issue.ts';
import { createIssueAction } from './actions/create-issue.ts';
import { githubAuthOptions } from './auth.ts';
import { issueOpenedTrigger } from './triggers/issue-opened.ts';
import { pullRequestOpenedTrigger } from './triggers/pull-request-opened.ts';
import { pushTrigger } from './triggers/push.ts';
import { starTrigger } from './triggers/star.ts';

export const githubService = defineService({
  key: 'github',
  name: 'GitHub',
  description: 'Run workflows on pushes, new issues, pull requests and stars; open issues and comment.',
  icon: 'github',
  category: 'developer',
  docsUrl: 'https://docs.github.com/en/rest',
  auth: githubAuthOptions,
  triggers: [pushTrigger, issueOpenedTrigger, pullRequestOpenedTrigger, starTrigger],
  actions: [createIssueAction, commentOnIssueAction],
  templates: [
    {
      name: 'Personal access token',
      description: 'A fine-grained token limited to the repositories the workflows use.',
      setupGuide:
        'GitHub > Settings > Developer settings > Personal access tokens > Fine-grained tokens > Generate. Pick the repositories and grant Issues: Read and write.',
    },
    {
      name: 'Repository webhook',
      description: 'Sends pushes, issues, pull requests and stars to a workflow.',
      setupGuide:
        'Repository > Settings > Webhooks > Add webhook. Payload URL: the workflow’s webhook URL; Content type: application/json; Secret: the same value as the trigger’s webhook secret; choose the events. GitHub sends a ping, which Area answers.',
    },
  ],
});
