import { defineService } from '../../catalog/define.ts';
import { sendMessageAction } from './actions/send-message.ts';
import { setChannelTopicAction } from './actions/set-channel-topic.ts';
import { discordAuth } from './auth.ts';
import { memberJoinedTrigger } from './triggers/member-joined.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

export const discordService = defineService({
  key: 'discord',
  name: 'Discord',
  description: 'Read channels and new members of a server with a bot, post messages as a bot or a webhook.',
  icon: 'discord',
  category: 'communication',
  docsUrl: 'https://discord.com/developers/docs/intro',
  auth: discordAuth,
  triggers: [newMessageTrigger, memberJoinedTrigger],
  actions: [sendMessageAction, setChannelTopicAction],
  templates: [
    {
      name: 'Bot',
      description: 'A bot token: reads channels and members, posts and sets topics.',
      setupGuide:
        'Create an application at discord.com/developers, add a Bot, enable the Message Content and Server Members intents, copy its token, and invite it with the Send Messages, Read Message History and Manage Channels permissions.',
    },
    {
      name: 'Channel webhook',
      description: 'A webhook URL: posts messages to one channel, nothing else.',
      setupGuide: 'Channel settings > Integrations > Webhooks > New Webhook > Copy Webhook URL.',
    },
  ],
});
