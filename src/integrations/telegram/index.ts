import { defineService } from '../../catalog/define.ts';
import { sendMessageAction } from './actions/send-message.ts';
import { sendPhotoAction } from './actions/send-photo.ts';
import { telegramAuth } from './auth.ts';
import { messageWebhookTrigger } from './triggers/message-webhook.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

export const telegramService = defineService({
  key: 'telegram',
  name: 'Telegram',
  description: 'Run workflows on messages to your bot, and send messages and photos with it.',
  icon: 'telegram',
  category: 'communication',
  docsUrl: 'https://core.telegram.org/bots/api',
  auth: telegramAuth,
  triggers: [newMessageTrigger, messageWebhookTrigger],
  actions: [sendMessageAction, sendPhotoAction],
  templates: [
    {
      name: 'Bot',
      description: 'A bot made with @BotFather.',
      setupGuide:
        'Open a chat with @BotFather, send /newbot, pick a name and a username, and paste the token. Send your bot a message once so it may write to you; your chat id is in the trigger output.',
    },
  ],
});
