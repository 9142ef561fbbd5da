import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { SLACK_API, type SlackReply, slackClient } from './common/client.ts';

/**
 * Tokens of a Slack app: the bot token (xoxb-) posts and updates messages, a user token (xoxp-) sets
 * the user's status. Tokens obtained by Slack's OAuth v2 install flow fit the same fields.
 */
export const slackAuth: ServiceAuth = {
  type: 'custom',
  props: {
    botToken: prop.secret({
      displayName: 'Bot token',
      description: 'OAuth & Permissions > Bot User OAuth Token. Scopes: chat:write, channels:history.',
      placeholder: 'xoxb-...',
      pattern: '^xox[a-z]-',
    }),
    userToken: prop.secret({
      displayName: 'User token',
      description:
        'OAuth & Permissions > User OAuth Token, with the users.profile:write scope (to set a status).',
      placeholder: 'xoxp-...',
      pattern: '^xox[a-z]-',
    }),
    baseUrl: prop.url({ displayName: 'Web API base URL', placeholder: SLACK_API, default: SLACK_API }),
  },
  async test(ctx) {
    const client = slackClient({ auth: ctx.auth, http: ctx.http, signal: ctx.signal });
    const auth = (ctx.auth ?? {}) as Record<string, unknown>;
    if (!auth['botToken'] && !auth['userToken']) throw new Error('Give a bot token or a user token');
    if (auth['botToken']) await client.call<SlackReply>('auth.test', {}, 'bot');
    if (auth['userToken']) await client.call<SlackReply>('auth.test', {}, 'user');
  },
};
