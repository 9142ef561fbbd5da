import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { type SlackReply, slackClient } from '../common/client.ts';

interface UpdateReply extends SlackReply {
  channel: string;
  ts: string;
  text: string;
}

export const updateMessageAction = defineAction({
  key: 'update_message',
  name: 'Update a message',
  description: 'Replaces the text (and blocks) of a message the bot posted earlier (chat.update).',
  props: {
    channel: prop.text({ displayName: 'Channel ID', required: true, placeholder: 'C0123456789' }),
    ts: prop.text({
      displayName: 'Message ts',
      required: true,
      description: 'The ts returned when the message was posted.',
      placeholder: '{{ steps.post_message.ts }}',
    }),
    text: prop.longText({
      displayName: 'New text',
      required: true,
      maxLength: 40000,
      placeholder: 'Deploy finished ✅',
    }),
    blocks: prop.json({
      displayName: 'Blocks',
      placeholder: '[{ "type": "section", "text": { "type": "mrkdwn", "text": "*Done*" } }]',
      schema: { type: 'array', items: { type: 'object' } },
    }),
  },
  output: {
    type: 'object',
    properties: { channel: { type: 'string' }, ts: { type: 'string' }, text: { type: 'string' } },
    required: ['channel', 'ts', 'text'],
  },
  sampleOutput: { channel: 'C0123456789', ts: '1732093502.114900', text: 'Deploy finished ✅' },
  async run(ctx) {
    const { channel, ts, text, blocks } = ctx.props;
    const reply = await slackClient(ctx).call<UpdateReply>('chat.update', {
      channel,
      ts,
      text,
      ...(blocks ? { blocks } : {}),
    });
    return { channel: reply.channel, ts: reply.ts, text: reply.text };
  },
});
