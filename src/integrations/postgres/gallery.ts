import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from PostgreSQL. */
export const postgresGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'postgres-new-signup-to-slack',
    category: 'notifications',
    difficulty: 'beginner',
    definition: {
      name: 'New sign-ups from your database in Slack',
      description: 'Watches the signups table and posts each new row to a Slack channel.',
      tags: ['postgres', 'slack'],
      trigger: {
        key: 'signup',
        service: 'postgres',
        component: 'new_row',
        config: { table: 'public.signups', keyColumn: 'id' },
      },
      actions: [
        {
          key: 'post',
          service: 'slack',
          component: 'post_message',
          config: {
            channel: 'C0123456789',
            text: '🎉 New sign-up: {{ trigger.row.email }} (plan {{ trigger.row.plan }})',
          },
        },
      ],
    },
  },
];
