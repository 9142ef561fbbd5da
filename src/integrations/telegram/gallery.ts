import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from Telegram. */
export const telegramGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'telegram-notes-to-postgres',
    category: 'productivity',
    difficulty: 'intermediate',
    definition: {
      name: 'Save Telegram notes in PostgreSQL',
      description: 'Stores every message you send your bot in a table and confirms with a reply.',
      tags: ['telegram', 'postgres'],
      trigger: {
        key: 'note',
        service: 'telegram',
        component: 'new_message',
        config: { chatId: '123456789' },
      },
      actions: [
        {
          key: 'save',
          service: 'postgres',
          component: 'run_query',
          config: {
            query: 'INSERT INTO notes (chat_id, text, sent_at) VALUES ($1, $2, $3) RETURNING id',
            parameters: ['{{ trigger.chatId }}', '{{ trigger.text }}', '{{ trigger.sentAt }}'],
          },
        },
        {
          key: 'confirm',
          service: 'telegram',
          component: 'send_message',
          config: {
            chatId: '{{ trigger.chatId }}',
            text: 'Saved as note {{ steps.save.rows[0].id }}.',
            replyToMessageId: '{{ trigger.messageId }}',
          },
        },
      ],
    },
  },
];
