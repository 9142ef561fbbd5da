import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { DISCORD_API, discordClient, field } from './common/client.ts';

/** A bot token (Developer Portal > Bot), a channel webhook URL, or both. */
export const discordAuth: ServiceAuth = {
  type: 'custom',
  props: {
    botToken: prop.secret({
      displayName: 'Bot token',
      description:
        'Developer Portal > your application > Bot > Reset Token. Needed for triggers and the channel topic.',
      placeholder: 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.G1a2b3.xxxxxxxx',
    }),
    webhookUrl: prop.secret({
      displayName: 'Webhook URL',
      description:
        'Channel settings > Integrations > Webhooks > Copy Webhook URL. Enough for sending messages.',
      placeholder: 'https://discord.com/api/webhooks/1234567890/abcDEF...',
      pattern: '^https?://',
    }),
    baseUrl: prop.url({ displayName: 'API base URL', placeholder: DISCORD_API, default: DISCORD_API }),
  },
  async test(ctx) {
    const client = discordClient({ auth: ctx.auth, http: ctx.http, signal: ctx.signal });
    if (!field(ctx.auth, 'botToken') && !field(ctx.auth, 'webhookUrl')) {
      throw new Error('Give a bot token or a webhook URL');
    }
    if (client.botToken) await client.bot().json({ path: '/users/@me' });
    if (client.webhookUrl) await client.webhook().json({ path: client.webhookUrl });
  },
};
