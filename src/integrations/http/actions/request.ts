import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { applyHttpCredentials, type HttpCredentials } from '../auth.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const requestAction = defineAction({
  key: 'request',
  name: 'HTTP request',
  description:
    'Calls any URL: method, headers, query, JSON / form / text body, optional auth from a connection, time and size limits.',
  requiresConnection: false,
  props: {
    method: prop.select({
      displayName: 'Method',
      required: true,
      default: 'GET',
      options: METHODS.map((m) => ({ label: m, value: m })),
    }),
    url: prop.text({
      displayName: 'URL',
      required: true,
      placeholder: 'https://api.example.com/items',
      description: 'Absolute, or relative to the connection’s base URL.',
    }),
    headers: prop.record({ displayName: 'Headers', values: prop.text({ displayName: 'Value' }) }),
    query: prop.record({ displayName: 'Query parameters', values: prop.text({ displayName: 'Value' }) }),
    bodyType: prop.select({
      displayName: 'Body',
      default: 'json',
      options: [
        { label: 'None', value: 'none' },
        { label: 'JSON', value: 'json' },
        { label: 'Form (urlencoded)', value: 'form' },
        { label: 'Text', value: 'text' },
      ],
    }),
    body: prop.json({ displayName: 'Body content', placeholder: '{ "name": "{{ trigger.body.name }}" }' }),
    responseType: prop.select({
      displayName: 'Read the response as',
      default: 'auto',
      options: [
        { label: 'Automatic (JSON when it is JSON)', value: 'auto' },
        { label: 'JSON', value: 'json' },
        { label: 'Text', value: 'text' },
      ],
    }),
    timeoutMs: prop.number({ displayName: 'Time limit (ms)', integer: true, minimum: 100, maximum: 300_000 }),
    failOnError: prop.boolean({
      displayName: 'Fail on error status',
      description: 'A 4xx/5xx answer fails the step (and may be retried).',
      default: true,
    }),
  },
  output: {
    type: 'object',
    properties: {
      status: { type: 'integer' },
      ok: { type: 'boolean' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'Parsed JSON or text' },
      url: { type: 'string' },
    },
    required: ['status', 'ok', 'headers', 'body', 'url'],
  },
  sampleOutput: {
    status: 200,
    ok: true,
    headers: { 'content-type': 'application/json' },
    body: { id: 1, name: 'Ada' },
    url: 'https://api.example.com/items/1',
  },
  async run(ctx) {
    const base =
      typeof ctx.connection?.config['baseUrl'] === 'string' ? ctx.connection.config['baseUrl'] : undefined;
    let url: URL;
    try {
      url = base ? new URL(ctx.props.url, base.endsWith('/') ? base : `${base}/`) : new URL(ctx.props.url);
    } catch {
      throw new Error(`url: "${ctx.props.url}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('url: only http and https are allowed');
    for (const [key, value] of Object.entries(ctx.props.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(ctx.props.headers ?? {})) headers[key.toLowerCase()] = value;
    applyHttpCredentials(ctx.auth as HttpCredentials | undefined, url, headers);

    const method = ctx.props.method;
    const bodyType = ctx.props.bodyType ?? 'json';
    let body: string | undefined;
    const content = ctx.props.body;
    if (
      method !== 'GET' &&
      method !== 'HEAD' &&
      bodyType !== 'none' &&
      content !== undefined &&
      content !== null
    ) {
      if (bodyType === 'json') {
        body = JSON.stringify(content);
        headers['content-type'] ??= 'application/json';
      } else if (bodyType === 'form') {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(content as Record<string, unknown>)) {
          form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
        }
        body = form.toString();
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else {
        body = typeof content === 'string' ? content : JSON.stringify(content);
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      }
    }

    const response = await ctx.http(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(ctx.props.timeoutMs ? { timeoutMs: ctx.props.timeoutMs } : {}),
    });
    const responseType = ctx.props.responseType ?? 'auto';
    const isJson = /[/+]json\b/i.test(response.headers['content-type'] ?? '');
    let parsed: unknown;
    if (responseType === 'json' || (responseType === 'auto' && isJson && response.body.length > 0)) {
      parsed = response.json();
    } else {
      parsed = response.text();
    }
    if (!response.ok && (ctx.props.failOnError ?? true)) {
      const preview =
        typeof parsed === 'string' ? parsed.slice(0, 200) : JSON.stringify(parsed).slice(0, 200);
      throw new Error(`${method} ${url.origin}${url.pathname} answered ${response.status}: ${preview}`);
    }
    return {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      body: parsed,
      url: response.url,
    };
  },
});
