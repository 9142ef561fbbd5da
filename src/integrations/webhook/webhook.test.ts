import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../catalog/define.ts';
import { hmacHex } from '../../catalog/hmac.ts';
import { standaloneTriggerContext } from '../../catalog/test-context.ts';
import { catchHookTrigger } from './triggers/catch-hook.ts';

function request(partial: Partial<WebhookRequest> & { text?: string }): WebhookRequest {
  const raw = Buffer.from(partial.text ?? JSON.stringify(partial.body ?? {}));
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    query: {},
    body: partial.body ?? {},
    rawBody: raw,
    contentType: 'application/json',
    ...partial,
  };
}

describe('webhook.catch_hook', () => {
  const hooks = catchHookTrigger.webhook;

  it('turns any request into trigger data', () => {
    const ctx = standaloneTriggerContext({});
    expect(hooks.verify?.(request({ method: 'GET' }), ctx)).toEqual({ ok: true });
    const event = hooks.toEvent(
      request({
        body: { orderId: 7 },
        query: { source: 'shop' },
        headers: { 'content-type': 'application/json', 'x-a': '1' },
      }),
      ctx,
    ) as Record<string, unknown>;
    expect(event).toMatchObject({
      method: 'POST',
      body: { orderId: 7 },
      query: { source: 'shop' },
      headers: { 'x-a': '1' },
      contentType: 'application/json',
    });
    const form = hooks.toEvent(
      request({ body: { name: 'Ada' }, contentType: 'application/x-www-form-urlencoded', text: 'name=Ada' }),
      ctx,
    ) as Record<string, unknown>;
    expect(form['body']).toEqual({ name: 'Ada' });
    const text = hooks.toEvent(
      request({ body: 'plain words', contentType: 'text/plain', text: 'plain words' }),
      ctx,
    );
    expect((text as Record<string, unknown>)['body']).toBe('plain words');
  });

  it('checks the HMAC of the raw body and the accepted methods', () => {
    const ctx = standaloneTriggerContext({ hmacSecret: 'shh-its-secret', methods: ['POST' as const] });
    const text = '{"orderId":7}';
    const good = request({
      text,
      body: { orderId: 7 },
      headers: { 'x-signature-256': `sha256=${hmacHex('sha256', 'shh-its-secret', text)}` },
    });
    expect(hooks.verify?.(good, ctx)).toEqual({ ok: true });
    const tampered = { ...good, rawBody: Buffer.from('{"orderId":8}') };
    expect(hooks.verify?.(tampered, ctx)).toMatchObject({ ok: false, status: 401 });
    expect(hooks.verify?.(request({ text }), ctx)).toMatchObject({ ok: false, status: 401 });
    expect(hooks.verify?.({ ...good, method: 'PUT' }, ctx)).toMatchObject({ ok: false, status: 405 });
  });
});
