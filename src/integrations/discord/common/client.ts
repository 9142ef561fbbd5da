import type { BaseContext } from '../../../catalog/context.ts';
import { type ApiClient, createApiClient } from '../../api-client/api-client.ts';
import { defaultErrorMessage } from '../../api-client/api-error.ts';

export const DISCORD_API = 'https://discord.com/api/v10';

type ClientContext = Pick<BaseContext<unknown>, 'auth' | 'connection' | 'http' | 'signal'>;

/** A string field of the decrypted credentials. */
export function field(auth: unknown, name: string): string | undefined {
  if (!auth || typeof auth !== 'object') return undefined;
  const value = (auth as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Discord's errors are `{ code, message, errors? }`; the code helps when searching its docs. */
function errorMessage(body: unknown, text: string): string {
  const record = (body ?? {}) as { code?: number; message?: string };
  if (record.message) return record.code ? `${record.message} (code ${record.code})` : record.message;
  return defaultErrorMessage(body, text);
}

export interface DiscordClient {
  botToken: string | undefined;
  webhookUrl: string | undefined;
  /** Calls under the API base URL with the bot token; throws a readable error without one. */
  bot(): ApiClient;
  /** Calls to the connection's webhook URL (no Authorization: the URL is the secret). */
  webhook(): ApiClient;
}

export function discordClient(ctx: ClientContext): DiscordClient {
  const baseUrl = String(ctx.connection?.config['baseUrl'] ?? field(ctx.auth, 'baseUrl') ?? DISCORD_API);
  const botToken = field(ctx.auth, 'botToken');
  const webhookUrl = field(ctx.auth, 'webhookUrl');
  const common = { service: 'Discord', http: ctx.http, signal: ctx.signal, errorMessage };
  return {
    botToken,
    webhookUrl,
    bot() {
      if (!botToken) throw new Error('Discord: this needs a connection with a bot token');
      return createApiClient({
        ...common,
        baseUrl,
        headers: () => ({ authorization: `Bot ${botToken}`, 'user-agent': 'DiscordBot (area, 0.1)' }),
      });
    },
    webhook() {
      if (!webhookUrl) throw new Error('Discord: this needs a connection with a webhook URL');
      return createApiClient({ ...common, baseUrl: webhookUrl });
    },
  };
}

/** Snowflakes grow with time; sorting them as big integers gives creation order. */
export function bySnowflake<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}
