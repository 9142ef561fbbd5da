import type { BaseContext } from '../../../catalog/context.ts';
import { createApiClient } from '../../api-client/api-client.ts';
import { ApiError } from '../../api-client/api-error.ts';

export const SLACK_API = 'https://slack.com/api';

type ClientContext = Pick<BaseContext<unknown>, 'auth' | 'connection' | 'http' | 'signal'>;

/** Slack's Web API answers HTTP 200 with `ok: false` and an error code for most failures. */
export interface SlackReply {
  ok: boolean;
  error?: string;
  warning?: string;
  needed?: string;
  provided?: string;
}

/** Errors that mean the token is no longer good; an OAuth2 connection gets one refresh. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'token_expired',
  'token_revoked',
  'not_authed',
  'account_inactive',
]);

export function field(auth: unknown, ...names: string[]): string | undefined {
  if (!auth || typeof auth !== 'object') return undefined;
  for (const name of names) {
    const value = (auth as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

export type TokenKind = 'bot' | 'user';

function tokenOf(auth: unknown, kind: TokenKind): string | undefined {
  return kind === 'user'
    ? field(auth, 'userToken', 'authedUserToken', 'accessToken', 'access_token', 'botToken')
    : field(auth, 'botToken', 'accessToken', 'access_token', 'token');
}

function describe(reply: SlackReply): string {
  if (reply.error === 'missing_scope' && reply.needed)
    return `missing_scope: the token needs the ${reply.needed} scope`;
  return reply.error ?? 'unknown_error';
}

export interface SlackClient {
  /** Calls a Web API method (`chat.postMessage`) with a JSON body; a reply with `ok: false` throws. */
  call<T extends SlackReply>(method: string, body: Record<string, unknown>, kind?: TokenKind): Promise<T>;
}

export function slackClient(ctx: ClientContext): SlackClient {
  const baseUrl = String(ctx.connection?.config['baseUrl'] ?? field(ctx.auth, 'baseUrl') ?? SLACK_API);
  let auth = ctx.auth;
  const refresh = async (): Promise<boolean> => {
    if (!ctx.connection) return false;
    auth = await ctx.connection.refresh();
    return true;
  };
  return {
    async call<T extends SlackReply>(method: string, body: Record<string, unknown>, kind: TokenKind = 'bot') {
      let refreshed = false;
      for (;;) {
        const token = tokenOf(auth, kind);
        if (!token) throw new Error(`Slack: the connection has no ${kind === 'user' ? 'user' : 'bot'} token`);
        const client = createApiClient({
          service: 'Slack',
          http: ctx.http,
          signal: ctx.signal,
          baseUrl,
          headers: () => ({ authorization: `Bearer ${tokenOf(auth, kind)}` }),
          refresh,
        });
        const reply = await client.json<T>({
          method: 'POST',
          path: `/${method}`,
          body: JSON.stringify(body),
          contentType: 'application/json; charset=utf-8',
        });
        if (reply.ok) return reply;
        if (reply.error && AUTH_ERRORS.has(reply.error) && !refreshed && ctx.connection) {
          refreshed = true;
          if (await refresh()) continue;
        }
        throw new ApiError({
          service: 'Slack',
          status: 200,
          message: `${method} failed: ${describe(reply)}`,
          body: reply,
        });
      }
    },
  };
}
