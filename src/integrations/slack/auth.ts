import type { ServiceAuth, ServiceAuthAlternatives } from '../../catalog/define.ts';
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

/** Slack's OAuth v2 install flow: the access token it answers is the bot token. */
export const slackOAuth2: ServiceAuth = {
  type: 'oauth2',
  oauth2: {
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    scopes: ['chat:write', 'channels:history', 'channels:read'],
    // Slack's v2 flow does not take a PKCE challenge from a confidential client.
    pkce: false,
    // GovSlack and Enterprise Grid hosts serve the same flow elsewhere.
    customEndpoints: true,
  },
  async test(ctx) {
    // OAuth2 credentials hold tokens only: the connection's config names another API host.
    const auth = {
      ...(ctx.auth as object),
      ...(ctx.config['baseUrl'] ? { baseUrl: ctx.config['baseUrl'] } : {}),
    };
    await slackClient({ auth, http: ctx.http, signal: ctx.signal }).call<SlackReply>('auth.test', {}, 'bot');
  },
};

/** Connect Slack with pasted tokens or through the OAuth2 flow. */
export const slackAuthOptions: ServiceAuthAlternatives = {
  type: 'alternatives',
  options: [slackAuth, slackOAuth2],
};
