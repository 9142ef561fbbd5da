import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from Slack. */
export const slackGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'slack-bug-report-to-github-issue',
    category: 'productivity',
    difficulty: 'intermediate',
    definition: {
      name: 'Slack bug reports become GitHub issues',
      description:
        'Opens a GitHub issue for each message in a #bugs channel and answers in its thread with the link.',
      tags: ['slack', 'github'],
      trigger: {
        key: 'report',
        service: 'slack',
        component: 'new_message',
        config: {
          channel: 'C0123456789',
          signingSecret: '{{ secrets.SLACK_SIGNING_SECRET }}',
          includeThreadReplies: false,
        },
      },
      actions: [
        {
          key: 'issue',
          service: 'github',
          component: 'create_issue',
          config: {
            repository: 'octo-org/website',
            title: 'Bug report from Slack: {{ trigger.text | truncate: 80 }}',
            body: '{{ trigger.text }}\n\nReported in Slack by <@{{ trigger.user }}>.',
            labels: ['bug'],
          },
        },
        {
          key: 'reply',
          service: 'slack',
          component: 'post_message',
          config: {
            channel: '{{ trigger.channel }}',
            threadTs: '{{ trigger.ts }}',
            text: 'Thanks! Tracked as {{ steps.issue.url }}',
          },
        },
      ],
    },
  },
];
