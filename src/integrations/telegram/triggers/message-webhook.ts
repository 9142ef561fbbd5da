import { timingSafeEqual } from 'node:crypto';
import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { telegramClient } from '../common/client.ts';
import { type ApiUpdate, messageOf, sampleUpdate, updateSchema } from '../common/update.ts';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const messageWebhookTrigger = defineTrigger({
  key: 'message_webhook',
  name: 'New message (webhook)',
  description:
    'Runs for each message Telegram pushes to the workflow’s webhook URL (setWebhook). Each delivery must carry the secret token.',
  mode: 'webhook',
  props: {
    secretToken: prop.secret({
      displayName: 'Secret token',
      required: true,
      description: '1–256 characters A–Z a–z 0–9 _ -; Telegram sends it in X-Telegram-Bot-Api-Secret-Token.',
      pattern: '^[A-Za-z0-9_-]{1,256}$',
    }),
    webhookUrl: prop.url({
      displayName: 'Webhook URL override',
      description:
        'Area registers the workflow’s own hook URL with Telegram (setWebhook) when the workflow is activated; set this only when Telegram must reach it at another address (a proxy).',
      placeholder: 'https://area.example.com/hooks/...',
    }),
    chatId: prop.text({ displayName: 'Only from chat', placeholder: '123456789' }),
  },
  output: updateSchema,
  sampleOutput: sampleUpdate,
  async onEnable(ctx) {
    const url = ctx.props.webhookUrl || ctx.webhookUrl;
    if (!url) return;
    await telegramClient(ctx).call('setWebhook', {
      url,
      secret_token: ctx.props.secretToken,
      allowed_updates: ['message'],
    });
  },
  async onDisable(ctx) {
    if (!ctx.props.webhookUrl && !ctx.webhookUrl) return;
    await telegramClient(ctx).call('deleteWebhook', { drop_pending_updates: false });
  },
  webhook: {
    verify(request, ctx) {
      const given = request.headers['x-telegram-bot-api-secret-token'];
      if (!given || !ctx.props.secretToken || !same(given, ctx.props.secretToken)) {
        return { ok: false, status: 401, reason: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' };
      }
      return { ok: true };
    },
    toEvent(request, ctx) {
      const update = request.body as ApiUpdate | undefined;
      if (!update || typeof update.update_id !== 'number') return undefined;
      return messageOf(update, ctx.props.chatId ?? undefined);
    },
    // Telegram redelivers an update it got no 2xx for with the same update_id.
    deliveryId(request) {
      const id = (request.body as ApiUpdate | undefined)?.update_id;
      return typeof id === 'number' ? String(id) : undefined;
    },
  },
});
