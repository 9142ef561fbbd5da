import type { ApiClient } from '../../api-client/api-client.ts';
import { type ClientContext, createGoogleClient } from '../../google-common/google-client.ts';

export const GMAIL_BASE_URL = 'https://gmail.googleapis.com';

export function gmailClient(ctx: ClientContext): ApiClient {
  return createGoogleClient(ctx, 'Gmail', GMAIL_BASE_URL);
}
