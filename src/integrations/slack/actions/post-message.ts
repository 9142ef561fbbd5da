import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { type SlackReply, slackClient } from '../common/client.ts';

interface PostReply extends SlackReply {
  channel: string;
  ts: string;
  message: { text: string; user?: string; bot_id?: string; thread_ts?: string };
}

export const postMessageAction = defineAction({
  key: 'post_message',
  name: 'Post a message',
  description:
    'Posts a message to a channel, a DM or a thread (chat.postMessage). The bot must be in the channel.',
  props: {
    channel: prop.text({
      displayName: 'Channel',
      required: true,
      description: 'A channel ID (C…), a user ID for a DM, or #name.',
      placeholder: 'C0123456789',
    }),
    text: prop.longText({
      displayName: 'Text',
      required: true,
      maxLength: 40000,
      placeholder: 'New order from {{ trigger.body.customer }}',
    }),
    threadTs: prop.text({
      displayName: 'Reply in thread (ts)',
      description: 'The ts of the parent message to reply in its thread.',
      placeholder: '1732093502.114900',
    }),
    blocks: prop.json({
      displayName: 'Blocks',
      description: 'Block Kit blocks; the text then serves as the notification fallback.',
      placeholder: '[{ "type": "section", "text": { "type": "mrkdwn", "text": "*Done*" } }]',
      schema: { type: 'array', items: { type: 'object' } },
    }),
    unfurlLinks: prop.boolean({ displayName: 'Unfurl links', default: false }),
  },
  output: {
    type: 'object',
    properties: {
      channel: { type: 'string' },
      ts: { type: 'string', description: 'The message’s id; use it to update or reply' },
      threadTs: { type: ['string', 'null'] },
      text: { type: 'string' },
    },
    required: ['channel', 'ts', 'threadTs', 'text'],
  },
  sampleOutput: {
    channel: 'C0123456789',
    ts: '1732093502.114900',
    threadTs: null,
    text: 'New order from Ada',
  },
  async run(ctx) {
    const { channel, text, threadTs, blocks, unfurlLinks } = ctx.props;
    const reply = await slackClient(ctx).call<PostReply>('chat.postMessage', {
      channel,
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(blocks ? { blocks } : {}),
      unfurl_links: unfurlLinks ?? false,
    });
    return {
      channel: reply.channel,
      ts: reply.ts,
      threadTs: reply.message.thread_ts ?? null,
      text: reply.message.text,
    };
  },
});
