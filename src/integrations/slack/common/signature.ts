import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from '../../../catalog/define.ts';

/** Slack rejects replays older than five minutes; so do we. */
export const MAX_AGE_SECONDS = 300;

/**
 * Slack's request signing: `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>`
 * with the app's signing secret, and a timestamp no older than five minutes.
 */
export function verifySlackSignature(
  request: WebhookRequest,
  signingSecret: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (!signingSecret) return { ok: false, status: 401, reason: 'no signing secret is configured' };
  const timestamp = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  if (!timestamp || !signature)
    return { ok: false, status: 401, reason: 'the request is not signed by Slack' };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowSeconds - seconds) > MAX_AGE_SECONDS) {
    return { ok: false, status: 401, reason: 'the request timestamp is too old or invalid' };
  }
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), request.rawBody]);
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(base).digest('hex')}`,
    'utf8',
  );
  const given = Buffer.from(signature.trim(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, reason: 'wrong signature in X-Slack-Signature' };
  }
  return { ok: true };
}

/** Signs a body as Slack would (tests, local tools). */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}
