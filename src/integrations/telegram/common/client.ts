import type { BaseContext } from '../../../catalog/context.ts';
import { createApiClient } from '../../api-client/api-client.ts';
import { ApiError } from '../../api-client/api-error.ts';
import { retryAfterMs, sleep } from '../../api-client/retry-after.ts';

export const TELEGRAM_API = 'https://api.telegram.org';

type ClientContext = Pick<BaseContext<unknown>, 'auth' | 'connection' | 'http' | 'signal'>;

interface TelegramReply<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

const MAX_RETRIES = 3;
const MAX_WAIT_MS = 60_000;

export function field(auth: unknown, name: string): string | undefined {
  if (!auth || typeof auth !== 'object') return undefined;
  const value = (auth as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export interface TelegramClient {
  /** Calls a Bot API method with a JSON body and returns its `result`. */
  call<T>(method: string, body?: Record<string, unknown>): Promise<T>;
}

/**
 * The Bot API lives at `<base>/bot<token>/<method>`. Failures are `{ ok: false, error_code, description }`;
 * a flood limit is error_code 429 with `parameters.retry_after` (seconds) in the body.
 * The token is part of the URL, so it is never put in a message.
 */
export function telegramClient(ctx: ClientContext): TelegramClient {
  const token = field(ctx.auth, 'botToken');
  const base = String(
    ctx.connection?.config['baseUrl'] ?? field(ctx.auth, 'baseUrl') ?? TELEGRAM_API,
  ).replace(/\/+$/, '');
  return {
    async call<T>(method: string, body: Record<string, unknown> = {}) {
      if (!token) throw new Error('Telegram: the connection has no bot token');
      const client = createApiClient({
        service: 'Telegram',
        http: ctx.http,
        signal: ctx.signal,
        baseUrl: `${base}/bot${token}`,
        maxRetries: 0,
      });
      for (let attempt = 0; ; attempt += 1) {
        const response = await client.send({
          method: 'POST',
          path: `/${method}`,
          json: body,
          accept: [400, 401, 403, 404, 409, 429],
        });
        let reply: TelegramReply<T>;
        try {
          reply = JSON.parse(response.text()) as TelegramReply<T>;
        } catch {
          throw new ApiError({
            service: 'Telegram',
            status: response.status,
            message: 'the answer is not JSON; check the base URL',
          });
        }
        if (reply.ok) return reply.result as T;
        const fromHeader = retryAfterMs(response.headers);
        const wait =
          reply.parameters?.retry_after ?? (fromHeader === undefined ? undefined : fromHeader / 1000);
        if (
          reply.error_code === 429 &&
          wait !== undefined &&
          attempt < MAX_RETRIES &&
          wait * 1000 <= MAX_WAIT_MS
        ) {
          await sleep(wait * 1000, ctx.signal);
          continue;
        }
        const retry = reply.error_code === 429 && wait !== undefined ? ` (retry after ${wait} s)` : '';
        throw new ApiError({
          service: 'Telegram',
          status: response.status,
          message: `${method}: ${reply.description ?? 'request failed'}${retry}`,
          body: { ok: false, error_code: reply.error_code, description: reply.description },
        });
      }
    },
  };
}
