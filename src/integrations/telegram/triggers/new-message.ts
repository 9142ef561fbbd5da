import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { telegramClient } from '../common/client.ts';
import {
  type ApiUpdate,
  type MessageUpdate,
  messageOf,
  sampleUpdate,
  updateSchema,
} from '../common/update.ts';

export const newMessageTrigger = defineTrigger({
  key: 'new_message',
  name: 'New message to the bot',
  description:
    'Runs for each message the bot receives, fetched with getUpdates. A bot with a webhook set cannot be polled: use “New message (webhook)” for it.',
  mode: 'polling',
  props: {
    chatId: prop.text({
      displayName: 'Only from chat',
      description: 'A chat id or @username; empty for every chat.',
      placeholder: '123456789',
    }),
  },
  output: updateSchema,
  sampleOutput: sampleUpdate,
  polling: {
    intervalSeconds: 30,
    dedupe: { by: 'id', id: (u: MessageUpdate) => String(u.updateId) },
    async poll(ctx) {
      // Asking from the last seen update on also confirms the older ones, so Telegram stops resending them.
      const seen = ctx.cursor.seenIds.map(Number).filter(Number.isFinite);
      const offset = seen.length > 0 ? Math.max(...seen) + 1 : undefined;
      const updates = await telegramClient(ctx).call<ApiUpdate[]>('getUpdates', {
        ...(offset !== undefined ? { offset } : {}),
        limit: 100,
        timeout: 0,
        allowed_updates: ['message'],
      });
      return updates
        .sort((a, b) => a.update_id - b.update_id)
        .map((u) => messageOf(u, ctx.props.chatId ?? undefined))
        .filter((m): m is MessageUpdate => m !== undefined);
    },
  },
});
