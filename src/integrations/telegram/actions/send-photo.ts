import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { telegramClient } from '../common/client.ts';
import { type ApiMessage, messageSchema, PARSE_MODES, sampleMessage, toMessage } from '../common/message.ts';

export const sendPhotoAction = defineAction({
  key: 'send_photo',
  name: 'Send a photo',
  description: 'Sends a photo by public URL or by the file_id of a photo Telegram already has (sendPhoto).',
  props: {
    chatId: prop.text({
      displayName: 'Chat ID',
      required: true,
      placeholder: '123456789',
      pattern: '^(-?[0-9]+|@[A-Za-z0-9_]{5,})$',
    }),
    photo: prop.text({
      displayName: 'Photo URL or file_id',
      required: true,
      description: 'An http(s) URL Telegram can download (up to 5 MB), or a file_id.',
      placeholder: 'https://example.com/chart.png',
    }),
    caption: prop.longText({ displayName: 'Caption', maxLength: 1024, placeholder: 'Weekly signups' }),
    parseMode: prop.select({ displayName: 'Caption formatting', default: 'none', options: PARSE_MODES }),
    silent: prop.boolean({ displayName: 'Send silently', default: false }),
  },
  output: messageSchema,
  sampleOutput: {
    ...sampleMessage,
    from: { id: 7000000001, isBot: true, firstName: 'Area', username: 'area_bot' },
    text: null,
    caption: 'Weekly signups',
    photoFileId: 'AgACAgIAAxkDAAIBd2c9q1AAAAE',
  },
  async run(ctx) {
    const { chatId, photo, caption, parseMode, silent } = ctx.props;
    const message = await telegramClient(ctx).call<ApiMessage>('sendPhoto', {
      chat_id: chatId,
      photo,
      ...(caption ? { caption } : {}),
      ...(parseMode && parseMode !== 'none' ? { parse_mode: parseMode } : {}),
      ...(silent ? { disable_notification: true } : {}),
    });
    return toMessage(message);
  },
});
