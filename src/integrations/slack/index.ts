import { defineService } from '../../catalog/define.ts';
import { postMessageAction } from './actions/post-message.ts';
import { setStatusAction } from './actions/set-status.ts';
import { updateMessageAction } from './actions/update-message.ts';
import { slackAuthOptions } from './auth.ts';
import { newMessageTrigger } from './triggers/new-message.ts';

export const slackService = defineService({
  key: 'slack',
  name: 'Slack',
  description: 'Run workflows on channel messages (Events API) and post, update messages or set a status.',
  icon: 'slack',
  category: 'communication',
  docsUrl: 'https://api.slack.com/web',
  auth: slackAuthOptions,
  triggers: [newMessageTrigger],
  actions: [postMessageAction, updateMessageAction, setStatusAction],
  templates: [
    {
      name: 'Slack app',
      description:
        'A bot token for messages, a user token for the status; the signing secret goes into the trigger.',
      requiredScopes: ['chat:write', 'channels:history', 'users.profile:write'],
      setupGuide:
        'Create an app at api.slack.com/apps. Under OAuth & Permissions add the bot scopes chat:write and channels:history and the user scope users.profile:write, install it, and copy both tokens. For the trigger, store the signing secret from Basic Information as a secret and name it in the trigger; then, under Event Subscriptions, paste the workflow’s webhook URL (Slack checks it with a url_verification request, which Area answers) and subscribe to message.channels.',
    },
  ],
});
