import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { githubClient, REPOSITORY_PATTERN, repoPath } from '../common/client.ts';
import { type ApiIssue, issueSchema, sampleIssue, toIssue } from '../common/issue.ts';

export const createIssueAction = defineAction({
  key: 'create_issue',
  name: 'Create an issue',
  description: 'Opens an issue in a repository, with labels and assignees.',
  props: {
    repository: prop.text({
      displayName: 'Repository',
      required: true,
      placeholder: 'octo-org/website',
      pattern: REPOSITORY_PATTERN,
    }),
    title: prop.text({
      displayName: 'Title',
      required: true,
      maxLength: 256,
      placeholder: 'Bug report from {{ trigger.body.email }}',
    }),
    body: prop.longText({
      displayName: 'Body (Markdown)',
      maxLength: 65536,
      placeholder: '{{ trigger.body.message }}',
    }),
    labels: prop.array({
      displayName: 'Labels',
      items: prop.text({ displayName: 'Label', placeholder: 'bug' }),
    }),
    assignees: prop.array({
      displayName: 'Assignees',
      items: prop.text({ displayName: 'Login', placeholder: 'octocat' }),
    }),
  },
  output: issueSchema,
  sampleOutput: sampleIssue,
  async run(ctx) {
    const { repository, title, body, labels, assignees } = ctx.props;
    const issue = await githubClient(ctx).json<ApiIssue>({
      method: 'POST',
      path: `${repoPath(repository)}/issues`,
      json: {
        title,
        ...(body ? { body } : {}),
        ...(labels && labels.length > 0 ? { labels } : {}),
        ...(assignees && assignees.length > 0 ? { assignees } : {}),
      },
    });
    return toIssue(issue, repository);
  },
});
