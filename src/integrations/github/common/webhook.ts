import type { WebhookHooks, WebhookRequest } from '../../../catalog/define.ts';
import { verifyHmac } from '../../../catalog/hmac.ts';
import { prop } from '../../../catalog/props.ts';
import { REPOSITORY_PATTERN } from './client.ts';

/** The props every GitHub webhook trigger has. */
export const webhookProps = {
  webhookSecret: prop.secret({
    displayName: 'Webhook secret',
    required: true,
    description: 'The secret typed in the GitHub webhook settings; use {{ secrets.NAME }}.',
  }),
  repository: prop.text({
    displayName: 'Only repository',
    description: 'owner/name; empty for every repository the webhook sends (organization webhooks).',
    placeholder: 'octo-org/website',
    pattern: REPOSITORY_PATTERN,
  }),
};

export interface RepositoryPayload {
  repository?: { full_name: string; html_url: string };
  sender?: { login: string };
}

interface BaseProps {
  webhookSecret: string;
  repository?: string | undefined;
}

/**
 * Signature check (X-Hub-Signature-256, HMAC-SHA256 of the raw body with the webhook secret), the ping
 * answered when the webhook is created, and deliveries of other events or repositories ignored.
 */
export function githubHooks<P extends BaseProps, E extends RepositoryPayload>(options: {
  event: string;
  toEvent(payload: E, props: P): unknown;
}): WebhookHooks<P> {
  const eventOf = (request: WebhookRequest) => request.headers['x-github-event'];
  return {
    verify(request, ctx) {
      const valid = verifyHmac({
        algorithm: 'sha256',
        secret: ctx.props.webhookSecret,
        payload: request.rawBody,
        signature: request.headers['x-hub-signature-256'],
      });
      return valid
        ? { ok: true }
        : { ok: false, status: 401, reason: 'missing or wrong X-Hub-Signature-256' };
    },
    handshake(request) {
      if (eventOf(request) !== 'ping') return undefined;
      const body = (request.body ?? {}) as { zen?: string; hook_id?: number };
      return { status: 200, body: { ok: true, zen: body.zen ?? null, hookId: body.hook_id ?? null } };
    },
    toEvent(request, ctx) {
      if (eventOf(request) !== options.event) return undefined;
      const payload = request.body as E | undefined;
      if (!payload || typeof payload !== 'object') return undefined;
      const wanted = ctx.props.repository?.toLowerCase();
      if (wanted && payload.repository?.full_name.toLowerCase() !== wanted) return undefined;
      return options.toEvent(payload, ctx.props);
    },
  };
}

export const deliveryFields = {
  repository: { type: 'string', description: 'owner/name' },
  sender: { type: ['string', 'null'] },
} as const;
