import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { type SlackReply, slackClient } from '../common/client.ts';

interface ProfileReply extends SlackReply {
  profile: { status_text: string; status_emoji: string; status_expiration: number };
}

export const setStatusAction = defineAction({
  key: 'set_status',
  name: 'Set my status',
  description:
    'Sets the status text and emoji of the user the connection’s user token belongs to (users.profile.set). Empty text clears it.',
  props: {
    text: prop.text({ displayName: 'Status text', maxLength: 100, placeholder: 'In a meeting' }),
    emoji: prop.text({ displayName: 'Emoji', placeholder: ':calendar:', pattern: '^(:[a-z0-9_+\\-]+:)?$' }),
    expiresInMinutes: prop.number({
      displayName: 'Clear after (minutes)',
      description: 'Leave empty to keep the status until it is changed.',
      integer: true,
      minimum: 1,
      maximum: 525600,
      placeholder: '60',
    }),
  },
  output: {
    type: 'object',
    properties: {
      text: { type: 'string' },
      emoji: { type: 'string' },
      expiresAt: { type: ['string', 'null'], format: 'date-time' },
    },
    required: ['text', 'emoji', 'expiresAt'],
  },
  sampleOutput: { text: 'In a meeting', emoji: ':calendar:', expiresAt: '2026-11-20T10:15:00.000Z' },
  async run(ctx) {
    const minutes = ctx.props.expiresInMinutes;
    const expiration = minutes ? Math.floor(Date.now() / 1000) + minutes * 60 : 0;
    const reply = await slackClient(ctx).call<ProfileReply>(
      'users.profile.set',
      {
        profile: {
          status_text: ctx.props.text ?? '',
          status_emoji: ctx.props.emoji ?? '',
          status_expiration: expiration,
        },
      },
      'user',
    );
    const expiresAt = reply.profile.status_expiration
      ? new Date(reply.profile.status_expiration * 1000).toISOString()
      : null;
    return { text: reply.profile.status_text, emoji: reply.profile.status_emoji, expiresAt };
  },
});
