import type { JsonSchema } from '../../../catalog/props.ts';
import { type ApiMessage, type Message, messageSchema, sampleMessage, toMessage } from './message.ts';

export interface ApiUpdate {
  update_id: number;
  message?: ApiMessage;
}

export type MessageUpdate = Message & { updateId: number };

/** The message of an update, or undefined for other kinds (edits, callbacks) and other chats. */
export function messageOf(update: ApiUpdate, chatId: string | undefined): MessageUpdate | undefined {
  if (!update.message) return undefined;
  if (
    chatId &&
    String(update.message.chat.id) !== chatId &&
    `@${update.message.chat.username ?? ''}` !== chatId
  ) {
    return undefined;
  }
  return { updateId: update.update_id, ...toMessage(update.message) };
}

export const updateSchema: JsonSchema = {
  ...messageSchema,
  properties: { updateId: { type: 'integer' }, ...(messageSchema['properties'] as object) },
  required: ['updateId', ...(messageSchema['required'] as string[])],
};

export const sampleUpdate: MessageUpdate = { updateId: 730146512, ...sampleMessage };
