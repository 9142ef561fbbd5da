import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from Discord. */
export const discordGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'discord-welcome-new-members',
    category: 'productivity',
    difficulty: 'beginner',
    definition: {
      name: 'Welcome new Discord members',
      description: 'Greets each member who joins your server in a welcome channel.',
      tags: ['discord'],
      trigger: {
        key: 'joined',
        service: 'discord',
        component: 'member_joined',
        config: { guildId: '123456789012345678' },
      },
      actions: [
        {
          key: 'welcome',
          service: 'discord',
          component: 'send_message',
          config: {
            channelId: '123456789012345678',
            content: 'Welcome, <@{{ trigger.userId }}>! Say hi and read #rules 👋',
          },
        },
      ],
    },
  },
  {
    slug: 'discord-message-to-slack',
    category: 'integration',
    difficulty: 'beginner',
    definition: {
      name: 'Mirror a Discord channel into Slack',
      description: 'Copies each new message of a Discord channel into a Slack channel.',
      tags: ['discord', 'slack'],
      trigger: {
        key: 'said',
        service: 'discord',
        component: 'new_message',
        config: { channelId: '123456789012345678' },
      },
      actions: [
        {
          key: 'mirror',
          service: 'slack',
          component: 'post_message',
          config: {
            channel: 'C0123456789',
            text: '*{{ trigger.author.username }}* on Discord: {{ trigger.content }}',
          },
        },
      ],
    },
  },
];
