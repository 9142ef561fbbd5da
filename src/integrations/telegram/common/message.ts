import type { JsonSchema } from '../../../catalog/props.ts';

/** The Bot API's Message object (the fields we pass on). */
export interface ApiMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: string; title?: string; username?: string; first_name?: string };
  from?: {
    id: number;
    is_bot: boolean;
    first_name: string;
    last_name?: string;
    username?: string;
    language_code?: string;
  };
  text?: string;
  caption?: string;
  photo?: { file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }[];
  reply_to_message?: { message_id: number };
}

export interface Message {
  messageId: number;
  chatId: number;
  chatType: string;
  chatTitle: string | null;
  from: { id: number; isBot: boolean; firstName: string; username: string | null } | null;
  text: string | null;
  caption: string | null;
  /** The largest size of a photo message. */
  photoFileId: string | null;
  sentAt: string;
}

export function toMessage(message: ApiMessage): Message {
  const largest = message.photo?.at(-1);
  return {
    messageId: message.message_id,
    chatId: message.chat.id,
    chatType: message.chat.type,
    chatTitle: message.chat.title ?? message.chat.username ?? message.chat.first_name ?? null,
    from: message.from
      ? {
          id: message.from.id,
          isBot: message.from.is_bot,
          firstName: message.from.first_name,
          username: message.from.username ?? null,
        }
      : null,
    text: message.text ?? null,
    caption: message.caption ?? null,
    photoFileId: largest?.file_id ?? null,
    sentAt: new Date(message.date * 1000).toISOString(),
  };
}

export const messageSchema: JsonSchema = {
  type: 'object',
  properties: {
    messageId: { type: 'integer' },
    chatId: { type: 'integer' },
    chatType: { type: 'string', enum: ['private', 'group', 'supergroup', 'channel'] },
    chatTitle: { type: ['string', 'null'] },
    from: {
      type: ['object', 'null'],
      properties: {
        id: { type: 'integer' },
        isBot: { type: 'boolean' },
        firstName: { type: 'string' },
        username: { type: ['string', 'null'] },
      },
      required: ['id', 'isBot', 'firstName', 'username'],
    },
    text: { type: ['string', 'null'] },
    caption: { type: ['string', 'null'] },
    photoFileId: { type: ['string', 'null'] },
    sentAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'messageId',
    'chatId',
    'chatType',
    'chatTitle',
    'from',
    'text',
    'caption',
    'photoFileId',
    'sentAt',
  ],
};

export const sampleMessage: Message = {
  messageId: 1871,
  chatId: 123456789,
  chatType: 'private',
  chatTitle: 'ada_l',
  from: { id: 123456789, isBot: false, firstName: 'Ada', username: 'ada_l' },
  text: '/status',
  caption: null,
  photoFileId: null,
  sentAt: '2026-11-20T09:15:02.000Z',
};

/** The props both "send" actions share. */
export const PARSE_MODES = [
  { label: 'Plain text', value: 'none' },
  { label: 'MarkdownV2', value: 'MarkdownV2' },
  { label: 'HTML', value: 'HTML' },
] as const;
