import type { WebhookRequest } from '../../catalog/define.ts';

/** A delivery to a webhook trigger as the intake hands it over: raw bytes plus the parsed body. */
export function webhookRequest(options: {
  body: string;
  headers?: Record<string, string>;
  method?: string;
  contentType?: string;
  query?: Record<string, string>;
}): WebhookRequest {
  const rawBody = Buffer.from(options.body, 'utf8');
  const contentType = options.contentType ?? 'application/json';
  let body: unknown = options.body;
  if (contentType.includes('json')) body = options.body ? JSON.parse(options.body) : undefined;
  else if (contentType.includes('x-www-form-urlencoded'))
    body = Object.fromEntries(new URLSearchParams(options.body));
  const headers: Record<string, string> = { 'content-type': contentType };
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = value;
  return {
    method: options.method ?? 'POST',
    headers,
    query: options.query ?? {},
    body,
    rawBody,
    contentType,
  };
}
