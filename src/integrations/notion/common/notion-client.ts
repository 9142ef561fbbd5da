import type { ConnectionInfo, LimitedFetch } from '../../../catalog/context.ts';
import { type ApiClient, createApiClient } from '../../api-client/api-client.ts';
import { baseUrlFrom } from '../../api-client/base-url.ts';
import { tokenOf } from '../../api-client/token-of.ts';

export const NOTION_BASE_URL = 'https://api.notion.com';
/** The API version Area speaks (databases with a single data source). */
export const NOTION_VERSION = '2022-06-28';

export interface NotionClientContext {
  auth: unknown;
  http: LimitedFetch;
  signal: AbortSignal;
  connection?: ConnectionInfo | undefined;
  config?: Record<string, unknown>;
}

export function notionClient(ctx: NotionClientContext): ApiClient {
  const token = tokenOf(ctx.auth);
  return createApiClient({
    service: 'Notion',
    http: ctx.http,
    signal: ctx.signal,
    baseUrl: baseUrlFrom(ctx, NOTION_BASE_URL),
    headers() {
      if (!token) throw new Error('The Notion connection has no token; paste the integration secret again');
      return { authorization: `Bearer ${token}`, 'notion-version': NOTION_VERSION };
    },
  });
}
