import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from Notion. */
export const notionGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'notion-new-item-to-discord',
    category: 'notifications',
    difficulty: 'beginner',
    definition: {
      name: 'Announce new Notion tasks on Discord',
      description: 'Posts each new item of a Notion task database to a Discord channel, with its link.',
      tags: ['notion', 'discord'],
      trigger: {
        key: 'task',
        service: 'notion',
        component: 'new_item',
        config: { databaseId: 'https://www.notion.so/acme/0123456789abcdef0123456789abcdef' },
      },
      actions: [
        {
          key: 'announce',
          service: 'discord',
          component: 'send_message',
          config: {
            channelId: '1098765432109876543',
            content: '📝 New task: {{ trigger.properties.Name }} {{ trigger.url }}',
          },
        },
      ],
    },
  },
];
