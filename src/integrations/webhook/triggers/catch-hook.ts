import { defineTrigger } from '../../../catalog/define.ts';
import { verifyHmac } from '../../../catalog/hmac.ts';
import { prop } from '../../../catalog/props.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const catchHookTrigger = defineTrigger({
  key: 'catch_hook',
  name: 'Catch a webhook',
  description:
    'Runs when an HTTP request reaches the workflow’s secret URL. JSON, form and text bodies are accepted; an HMAC signature can be required.',
  mode: 'webhook',
  props: {
    methods: prop.array({
      displayName: 'Accepted methods',
      description: 'Leave empty to accept any method.',
      items: prop.select({ displayName: 'Method', options: METHODS.map((m) => ({ label: m, value: m })) }),
    }),
    hmacSecret: prop.secret({
      displayName: 'HMAC secret',
      description: 'When set, requests must carry a valid HMAC of the raw body. Use {{ secrets.NAME }}.',
    }),
    hmacHeader: prop.text({
      displayName: 'Signature header',
      default: 'x-signature-256',
      placeholder: 'x-hub-signature-256',
    }),
    hmacAlgorithm: prop.select({
      displayName: 'HMAC algorithm',
      default: 'sha256',
      options: [
        { label: 'SHA-256', value: 'sha256' },
        { label: 'SHA-1', value: 'sha1' },
        { label: 'SHA-512', value: 'sha512' },
      ],
    }),
    respondWith: prop.select({
      displayName: 'Answer',
      description:
        'accepted: 202 at once with the run id. workflow_output: wait for the run and answer its output. step_output: wait for the run and answer the output of the step named below.',
      default: 'accepted',
      options: [
        { label: 'Accepted at once', value: 'accepted' },
        { label: 'The workflow’s output', value: 'workflow_output' },
        { label: 'A step’s output', value: 'step_output' },
      ],
    }),
    responseStep: prop.text({
      displayName: 'Step to answer with',
      description: 'With "A step’s output": the key of the step whose output is the answer.',
      placeholder: 'build_reply',
    }),
  },
  output: {
    type: 'object',
    properties: {
      method: { type: 'string' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      query: { type: 'object' },
      body: { description: 'JSON value, form fields, or text' },
      contentType: { type: ['string', 'null'] },
      receivedAt: { type: 'string', format: 'date-time' },
    },
    required: ['method', 'headers', 'query', 'receivedAt'],
  },
  sampleOutput: {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    query: { source: 'shop' },
    body: { orderId: 42, total: 19.9 },
    contentType: 'application/json',
    receivedAt: '2026-01-05T09:00:00.000Z',
  },
  webhook: {
    verify(request, ctx) {
      const methods = ctx.props.methods ?? [];
      if (methods.length > 0 && !(methods as string[]).includes(request.method.toUpperCase())) {
        return { ok: false, status: 405, reason: `method ${request.method} is not accepted` };
      }
      if (ctx.props.hmacSecret) {
        const header = (ctx.props.hmacHeader ?? 'x-signature-256').toLowerCase();
        const valid = verifyHmac({
          algorithm: ctx.props.hmacAlgorithm ?? 'sha256',
          secret: ctx.props.hmacSecret,
          payload: request.rawBody,
          signature: request.headers[header],
        });
        if (!valid) return { ok: false, status: 401, reason: `missing or wrong signature in ${header}` };
      }
      return { ok: true };
    },
    toEvent(request) {
      return {
        method: request.method.toUpperCase(),
        headers: request.headers,
        query: request.query,
        body: request.body ?? null,
        contentType: request.contentType ?? null,
        receivedAt: new Date().toISOString(),
      };
    },
  },
});
