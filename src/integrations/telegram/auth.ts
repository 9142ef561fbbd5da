import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { TELEGRAM_API, telegramClient } from './common/client.ts';

/** A bot token from @BotFather. */
export const telegramAuth: ServiceAuth = {
  type: 'custom',
  props: {
    botToken: prop.secret({
      displayName: 'Bot token',
      required: true,
      description: 'Talk to @BotFather, send /newbot, and copy the token it gives.',
      placeholder: '123456789:AAE9xyzxyzxyzxyzxyzxyzxyzxyzxyzxyz',
      pattern: '^[0-9]+:[A-Za-z0-9_-]+$',
    }),
    baseUrl: prop.url({
      displayName: 'Bot API base URL',
      description: 'Change only for a self-hosted Bot API server.',
      placeholder: TELEGRAM_API,
      default: TELEGRAM_API,
    }),
  },
  async test(ctx) {
    await telegramClient({ auth: ctx.auth, http: ctx.http, signal: ctx.signal }).call('getMe');
  },
};
