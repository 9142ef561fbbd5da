import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { discordClient } from '../common/client.ts';

interface ApiChannel {
  id: string;
  name?: string;
  topic?: string | null;
  guild_id?: string;
}

export const setChannelTopicAction = defineAction({
  key: 'set_channel_topic',
  name: 'Set a channel topic',
  description: 'Changes the topic of a text channel (the bot needs the Manage Channels permission).',
  props: {
    channelId: prop.text({
      displayName: 'Channel ID',
      required: true,
      placeholder: '1098765432109876543',
      pattern: '^[0-9]{5,25}$',
    }),
    topic: prop.longText({
      displayName: 'Topic',
      required: true,
      maxLength: 1024,
      placeholder: 'On call this week: {{ trigger.name }}',
    }),
    reason: prop.text({
      displayName: 'Audit log reason',
      placeholder: 'Weekly on-call rotation',
      maxLength: 512,
    }),
  },
  output: {
    type: 'object',
    properties: {
      channelId: { type: 'string' },
      name: { type: ['string', 'null'] },
      topic: { type: ['string', 'null'] },
    },
    required: ['channelId', 'name', 'topic'],
  },
  sampleOutput: { channelId: '1098765432109876543', name: 'ops', topic: 'On call this week: Nelly' },
  async run(ctx) {
    const client = discordClient(ctx);
    const headers: Record<string, string> = ctx.props.reason
      ? { 'x-audit-log-reason': encodeURIComponent(ctx.props.reason) }
      : {};
    const channel = await client.bot().json<ApiChannel>({
      method: 'PATCH',
      path: `/channels/${ctx.props.channelId}`,
      json: { topic: ctx.props.topic },
      headers,
    });
    return { channelId: channel.id, name: channel.name ?? null, topic: channel.topic ?? null };
  },
});
