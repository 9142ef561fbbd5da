import type { JsonSchema } from '../../../catalog/props.ts';

/** A message object as Discord's API returns it (the fields we pass on). */
export interface DiscordApiMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content: string;
  timestamp: string;
  edited_timestamp?: string | null;
  author: { id: string; username: string; global_name?: string | null; bot?: boolean };
  attachments?: { id: string; filename: string; url: string }[];
  webhook_id?: string;
}

export interface DiscordMessage {
  id: string;
  channelId: string;
  content: string;
  timestamp: string;
  author: { id: string; username: string; displayName: string | null; bot: boolean };
  attachments: { id: string; filename: string; url: string }[];
}

export function toMessage(message: DiscordApiMessage): DiscordMessage {
  return {
    id: message.id,
    channelId: message.channel_id,
    content: message.content,
    timestamp: message.timestamp,
    author: {
      id: message.author.id,
      username: message.author.username,
      displayName: message.author.global_name ?? null,
      bot: message.author.bot === true,
    },
    attachments: (message.attachments ?? []).map((a) => ({ id: a.id, filename: a.filename, url: a.url })),
  };
}

export const messageSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Message id (snowflake)' },
    channelId: { type: 'string' },
    content: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    author: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        username: { type: 'string' },
        displayName: { type: ['string', 'null'] },
        bot: { type: 'boolean' },
      },
      required: ['id', 'username', 'displayName', 'bot'],
    },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, filename: { type: 'string' }, url: { type: 'string' } },
        required: ['id', 'filename', 'url'],
      },
    },
  },
  required: ['id', 'channelId', 'content', 'timestamp', 'author', 'attachments'],
};

export const sampleMessage: DiscordMessage = {
  id: '1310246712345678901',
  channelId: '1098765432109876543',
  content: 'Deploy finished: v2.4.1 is live',
  timestamp: '2026-11-20T09:15:02.114000+00:00',
  author: { id: '80351110224678912', username: 'nelly', displayName: 'Nelly', bot: false },
  attachments: [],
};
