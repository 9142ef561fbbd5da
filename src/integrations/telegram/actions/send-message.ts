import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { telegramClient } from '../common/client.ts';
import { type ApiMessage, messageSchema, PARSE_MODES, sampleMessage, toMessage } from '../common/message.ts';

export const sendMessageAction = defineAction({
  key: 'send_message',
  name: 'Send a message',
  description: 'Sends a text message to a chat, group or channel the bot is in (sendMessage).',
  props: {
    chatId: prop.text({
      displayName: 'Chat ID',
      required: true,
      description: 'A numeric chat id (from a trigger: {{ trigger.chatId }}) or @channelusername.',
      placeholder: '123456789',
      pattern: '^(-?[0-9]+|@[A-Za-z0-9_]{5,})$',
    }),
    text: prop.longText({
      displayName: 'Text',
      required: true,
      maxLength: 4096,
      placeholder: 'Summary: {{ steps.summarize.text }}',
    }),
    parseMode: prop.select({ displayName: 'Formatting', default: 'none', options: PARSE_MODES }),
    silent: prop.boolean({ displayName: 'Send silently', default: false }),
    replyToMessageId: prop.number({
      displayName: 'Reply to message id',
      integer: true,
      minimum: 1,
      placeholder: '1871',
    }),
  },
  output: messageSchema,
  sampleOutput: {
    ...sampleMessage,
    from: { id: 7000000001, isBot: true, firstName: 'Area', username: 'area_bot' },
    text: 'Done ✅',
  },
  async run(ctx) {
    const { chatId, text, parseMode, silent, replyToMessageId } = ctx.props;
    const message = await telegramClient(ctx).call<ApiMessage>('sendMessage', {
      chat_id: chatId,
      text,
      ...(parseMode && parseMode !== 'none' ? { parse_mode: parseMode } : {}),
      ...(silent ? { disable_notification: true } : {}),
      ...(replyToMessageId
        ? { reply_parameters: { message_id: replyToMessageId, allow_sending_without_reply: true } }
        : {}),
    });
    return toMessage(message);
  },
});
