import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { githubClient, REPOSITORY_PATTERN, repoPath } from '../common/client.ts';

interface ApiComment {
  id: number;
  html_url: string;
  body: string;
  user: { login: string } | null;
  created_at: string;
}

export const commentOnIssueAction = defineAction({
  key: 'comment_on_issue',
  name: 'Comment on an issue or pull request',
  description: 'Adds a comment to an issue or a pull request (they share numbers).',
  props: {
    repository: prop.text({
      displayName: 'Repository',
      required: true,
      placeholder: 'octo-org/website',
      pattern: REPOSITORY_PATTERN,
    }),
    issueNumber: prop.number({
      displayName: 'Issue number',
      required: true,
      integer: true,
      minimum: 1,
      placeholder: '{{ trigger.number }}',
    }),
    body: prop.longText({
      displayName: 'Comment (Markdown)',
      required: true,
      maxLength: 65536,
      placeholder: 'Thanks! We are on it.',
    }),
  },
  output: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      url: { type: 'string', format: 'uri' },
      body: { type: 'string' },
      author: { type: ['string', 'null'] },
      issueNumber: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
    },
    required: ['id', 'url', 'body', 'author', 'issueNumber', 'createdAt'],
  },
  sampleOutput: {
    id: 1146825,
    url: 'https://github.com/octo-org/website/issues/1347#issuecomment-1146825',
    body: 'Thanks! We are on it.',
    author: 'area-bot',
    issueNumber: 1347,
    createdAt: '2026-11-20T09:15:02Z',
  },
  async run(ctx) {
    const { repository, issueNumber, body } = ctx.props;
    const comment = await githubClient(ctx).json<ApiComment>({
      method: 'POST',
      path: `${repoPath(repository)}/issues/${issueNumber}/comments`,
      json: { body },
    });
    return {
      id: comment.id,
      url: comment.html_url,
      body: comment.body,
      author: comment.user?.login ?? null,
      issueNumber,
      createdAt: comment.created_at,
    };
  },
});
