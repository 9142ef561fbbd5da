import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { verifySlackSignature } from '../common/signature.ts';

interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

interface EventEnvelope {
  type: string;
  challenge?: string;
  team_id?: string;
  event_id?: string;
  event_time?: number;
  event?: SlackMessageEvent;
}

/** Subtypes that are still someone writing in the channel; edits, joins and deletions are not. */
const MESSAGE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

export const newMessageTrigger = defineTrigger({
  key: 'new_message',
  name: 'New message in a channel',
  description:
    'Runs for each message Slack’s Events API delivers (message.channels and similar events). Deliveries are checked with the signing secret.',
  mode: 'webhook',
  props: {
    channel: prop.text({
      displayName: 'Channel ID',
      description: 'Only messages of this channel; empty for every channel the app receives.',
      placeholder: 'C0123456789',
    }),
    signingSecret: prop.secret({
      displayName: 'Signing secret',
      required: true,
      description: 'The app’s signing secret (Basic Information > App Credentials); use {{ secrets.NAME }}.',
    }),
    includeBots: prop.boolean({ displayName: 'Include bot messages', default: false }),
    includeThreadReplies: prop.boolean({ displayName: 'Include thread replies', default: true }),
  },
  output: {
    type: 'object',
    properties: {
      eventId: { type: ['string', 'null'] },
      teamId: { type: ['string', 'null'] },
      channel: { type: 'string' },
      channelType: { type: ['string', 'null'] },
      user: { type: ['string', 'null'] },
      botId: { type: ['string', 'null'] },
      text: { type: 'string' },
      ts: { type: 'string' },
      threadTs: { type: ['string', 'null'] },
      sentAt: { type: 'string', format: 'date-time' },
    },
    required: [
      'eventId',
      'teamId',
      'channel',
      'channelType',
      'user',
      'botId',
      'text',
      'ts',
      'threadTs',
      'sentAt',
    ],
  },
  sampleOutput: {
    eventId: 'Ev08ABCDEF12',
    teamId: 'T0123456',
    channel: 'C0123456789',
    channelType: 'channel',
    user: 'U0456789',
    botId: null,
    text: 'Can someone look at the failing build?',
    ts: '1732093502.114900',
    threadTs: null,
    sentAt: '2024-11-20T09:05:02.114Z',
  },
  webhook: {
    verify(request, ctx) {
      return verifySlackSignature(request, ctx.props.signingSecret);
    },
    handshake(request) {
      const body = request.body as EventEnvelope | undefined;
      if (body?.type !== 'url_verification') return undefined;
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { challenge: body.challenge ?? '' },
      };
    },
    toEvent(request, ctx) {
      const envelope = request.body as EventEnvelope | undefined;
      const event = envelope?.event;
      if (envelope?.type !== 'event_callback' || event?.type !== 'message') return undefined;
      if (
        !MESSAGE_SUBTYPES.has(event.subtype) &&
        !(ctx.props.includeBots && event.subtype === 'bot_message')
      ) {
        return undefined;
      }
      const fromBot = event.bot_id !== undefined || event.subtype === 'bot_message';
      if (fromBot && !ctx.props.includeBots) return undefined;
      if (ctx.props.channel && event.channel !== ctx.props.channel) return undefined;
      const isReply = event.thread_ts !== undefined && event.thread_ts !== event.ts;
      if (isReply && ctx.props.includeThreadReplies === false) return undefined;
      return {
        eventId: envelope.event_id ?? null,
        teamId: envelope.team_id ?? null,
        channel: event.channel,
        channelType: event.channel_type ?? null,
        user: event.user ?? null,
        botId: event.bot_id ?? null,
        text: event.text ?? '',
        ts: event.ts,
        threadTs: event.thread_ts ?? null,
        sentAt: new Date(Number(event.ts) * 1000).toISOString(),
      };
    },
    // Slack retries a delivery it saw no 2xx for with the same event_id (and X-Slack-Retry-Num).
    deliveryId(request) {
      const id = (request.body as EventEnvelope | undefined)?.event_id;
      return typeof id === 'string' && id !== '' ? id : undefined;
    },
  },
});
