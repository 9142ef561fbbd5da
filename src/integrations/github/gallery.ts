import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

const WEBHOOK_SECRET = '{{ secrets.GITHUB_WEBHOOK_SECRET }}';

/** Gallery workflows that start from GitHub. */
export const githubGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'github-issue-to-discord',
    category: 'notifications',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'New GitHub issues in a Discord channel',
      description: 'Posts every newly opened issue of a repository to a Discord channel.',
      tags: ['github', 'discord'],
      trigger: {
        key: 'issue',
        service: 'github',
        component: 'issue_opened',
        config: { webhookSecret: WEBHOOK_SECRET, repository: 'octo-org/website' },
      },
      actions: [
        {
          key: 'announce',
          service: 'discord',
          component: 'send_message',
          config: {
            channelId: '123456789012345678',
            content:
              '🐛 #{{ trigger.number }} {{ trigger.title }} by {{ trigger.author }}\n{{ trigger.url }}',
          },
        },
      ],
    },
  },
  {
    slug: 'github-pull-request-to-slack',
    category: 'notifications',
    difficulty: 'beginner',
    definition: {
      name: 'Pull requests to review in Slack',
      description: 'Tells a Slack channel about each pull request opened, with its branches and link.',
      tags: ['github', 'slack'],
      trigger: {
        key: 'pr',
        service: 'github',
        component: 'pull_request_opened',
        config: { webhookSecret: WEBHOOK_SECRET, includeDrafts: false },
      },
      actions: [
        {
          key: 'ask_review',
          service: 'slack',
          component: 'post_message',
          config: {
            channel: 'C0123456789',
            text: 'Review wanted: <{{ trigger.url }}|#{{ trigger.number }} {{ trigger.title }}> ({{ trigger.headBranch }} → {{ trigger.baseBranch }}) by {{ trigger.author }}',
          },
        },
      ],
    },
  },
  {
    slug: 'github-star-to-telegram',
    category: 'notifications',
    difficulty: 'beginner',
    definition: {
      name: 'Celebrate new GitHub stars on Telegram',
      description: 'Sends you a Telegram message whenever someone stars your repository.',
      tags: ['github', 'telegram'],
      trigger: {
        key: 'star',
        service: 'github',
        component: 'star',
        config: { webhookSecret: WEBHOOK_SECRET },
      },
      actions: [
        {
          key: 'tell_me',
          service: 'telegram',
          component: 'send_message',
          config: {
            chatId: '123456789',
            text: '⭐ {{ trigger.sender }} starred {{ trigger.repository }} — {{ trigger.stargazers }} stars now.',
          },
        },
      ],
    },
  },
  {
    slug: 'github-push-to-mqtt',
    category: 'integration',
    difficulty: 'intermediate',
    definition: {
      name: 'Announce pushes on an MQTT topic',
      description:
        'Publishes each push to main as JSON on an MQTT topic, e.g. for a build light or a dashboard.',
      tags: ['github', 'mqtt'],
      trigger: {
        key: 'push',
        service: 'github',
        component: 'push',
        config: { webhookSecret: WEBHOOK_SECRET, branch: 'main' },
      },
      actions: [
        {
          key: 'publish',
          service: 'mqtt',
          component: 'publish',
          config: {
            topic: 'ci/{{ trigger.repository }}/push',
            payload:
              '{"after": "{{ trigger.after }}", "pusher": "{{ trigger.pusher }}", "commits": {{ trigger.commits | size }}}',
            qos: '1',
          },
        },
      ],
    },
  },
];
