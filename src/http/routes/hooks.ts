import { Type } from 'typebox';
import type { WebhookRequest } from '../../catalog/define.ts';
import { receiveWebhook } from '../../engine/webhook-intake.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const MAX_BODY = 1024 * 1024;

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw AppError.invalid([{ path: 'body', rule: 'format', message: 'is not valid JSON' }]);
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  return text;
}

/** `ANY /hooks/:token`: the public address of a workflow's webhook trigger. */
export const hookRoutes: RouteModule = async (app, ctx) => {
  await app.register(async (scope) => {
    // The exact bytes are kept for signature checks; the body is parsed here, by content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) =>
      done(null, body),
    );
    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/hooks/:token',
      schema: {
        tags: ['webhooks'],
        summary: 'Deliver an event to a workflow webhook',
        description:
          'Starts a run of the workflow. Answers 202 with the run id, or the run output when the trigger waits for it. ' +
          'An Idempotency-Key header (or a provider delivery id) makes repeated deliveries start one run.',
        security: [],
        params: Type.Object({ token: Type.String({ minLength: 16, maxLength: 64 }) }),
      },
      handler: async (request, reply) => {
        const { token } = request.params as { token: string };
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string') headers[name] = value;
          else if (Array.isArray(value)) headers[name] = value.join(', ');
        }
        const contentType = headers['content-type'];
        const hook: WebhookRequest = {
          method: request.method,
          headers,
          query: request.query as Record<string, string | string[]>,
          body: parseBody(raw, contentType),
          rawBody: raw,
          contentType,
        };
        const answer = await receiveWebhook(ctx, token, hook);
        switch (answer.kind) {
          case 'not_found':
            throw AppError.notFound('Webhook');
          case 'reply':
            return reply
              .status(answer.status)
              .headers(answer.headers ?? {})
              .send(answer.body ?? '');
          case 'accepted':
            if (answer.repeated) reply.header('idempotent-replayed', 'true');
            return reply.status(202).send({ executionId: answer.executionId, status: 'accepted' });
          case 'done': {
            if (answer.repeated) reply.header('idempotent-replayed', 'true');
            reply.header('x-area-execution-id', answer.result.id);
            const { result } = answer;
            if (result.status === 'success') return reply.status(200).send(result.output ?? null);
            return reply.status(result.status === 'failed' ? 502 : 200).send({
              executionId: result.id,
              status: result.status,
              ...(result.errorMessage ? { error: result.errorMessage } : {}),
            });
          }
        }
      },
    });
  });
};
