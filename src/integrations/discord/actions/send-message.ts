import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { discordClient } from '../common/client.ts';
import { type DiscordApiMessage, messageSchema, sampleMessage, toMessage } from '../common/message.ts';

export const sendMessageAction = defineAction({
  key: 'send_message',
  name: 'Send a message',
  description:
    'Posts a message to a channel as the bot, or through the connection’s webhook URL when no channel is given.',
  props: {
    channelId: prop.text({
      displayName: 'Channel ID',
      description:
        'Right-click the channel > Copy Channel ID (developer mode). Leave empty to use the webhook URL.',
      placeholder: '1098765432109876543',
      pattern: '^[0-9]{5,25}$',
    }),
    content: prop.longText({
      displayName: 'Message',
      required: true,
      maxLength: 2000,
      placeholder: 'New issue: {{ trigger.issue.title }}',
    }),
    username: prop.text({
      displayName: 'Display name (webhook only)',
      placeholder: 'Area',
      maxLength: 80,
    }),
    embeds: prop.json({
      displayName: 'Embeds',
      description: 'Up to 10 Discord embed objects.',
      placeholder: '[{ "title": "Build passed", "color": 5763719 }]',
      schema: { type: 'array', maxItems: 10, items: { type: 'object' } },
    }),
  },
  output: {
    ...messageSchema,
    properties: {
      ...(messageSchema['properties'] as object),
      via: { type: 'string', enum: ['bot', 'webhook'] },
    },
    required: [...(messageSchema['required'] as string[]), 'via'],
  },
  sampleOutput: {
    ...sampleMessage,
    author: { ...sampleMessage.author, bot: true },
    via: 'bot' as 'bot' | 'webhook',
  },
  async run(ctx) {
    const client = discordClient(ctx);
    const { channelId, content, username, embeds } = ctx.props;
    const body = { content, ...(embeds ? { embeds } : {}), allowed_mentions: { parse: ['users', 'roles'] } };
    if (channelId && client.botToken) {
      const message = await client
        .bot()
        .json<DiscordApiMessage>({ method: 'POST', path: `/channels/${channelId}/messages`, json: body });
      return { ...toMessage(message), via: 'bot' as const };
    }
    if (client.webhookUrl) {
      const message = await client.webhook().json<DiscordApiMessage>({
        method: 'POST',
        path: client.webhookUrl,
        query: { wait: true },
        json: { ...body, ...(username ? { username } : {}) },
      });
      return { ...toMessage(message), via: 'webhook' as const };
    }
    throw new Error(
      channelId
        ? 'Discord: posting to a channel needs a connection with a bot token'
        : 'Discord: give a channel ID, or use a connection with a webhook URL',
    );
  },
});
