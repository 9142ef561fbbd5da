import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { bySnowflake, discordClient } from '../common/client.ts';
import {
  type DiscordApiMessage,
  type DiscordMessage,
  messageSchema,
  sampleMessage,
  toMessage,
} from '../common/message.ts';

export const newMessageTrigger = defineTrigger({
  key: 'new_message',
  name: 'New message in a channel',
  description:
    'Runs for each new message in a channel. The bot must see the channel and have the Message Content intent to read texts.',
  mode: 'polling',
  props: {
    channelId: prop.text({
      displayName: 'Channel ID',
      required: true,
      placeholder: '1098765432109876543',
      pattern: '^[0-9]{5,25}$',
    }),
    includeBots: prop.boolean({
      displayName: 'Include messages from bots',
      description: 'Off by default so a workflow does not answer its own messages.',
      default: false,
    }),
  },
  output: messageSchema,
  sampleOutput: sampleMessage,
  polling: {
    intervalSeconds: 60,
    dedupe: { by: 'id', id: (m: DiscordMessage) => m.id },
    async poll(ctx) {
      const client = discordClient(ctx);
      const page = await client.bot().json<DiscordApiMessage[]>({
        path: `/channels/${ctx.props.channelId}/messages`,
        query: { limit: 100, after: ctx.cursor.seenIds.at(-1) },
      });
      const messages = bySnowflake(page).map(toMessage);
      return ctx.props.includeBots ? messages : messages.filter((m) => !m.author.bot);
    },
  },
});
