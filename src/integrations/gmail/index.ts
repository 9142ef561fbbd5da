import { defineService } from '../../catalog/define.ts';
import { sendEmailAction } from './actions/send-email.ts';
import { gmailAuth } from './auth.ts';
import { newEmailTrigger } from './triggers/new-email.ts';

export const gmailService = defineService({
  key: 'gmail',
  name: 'Gmail',
  description: 'Watch a Gmail inbox for emails matching a search, and send emails from the account.',
  icon: 'gmail',
  category: 'email',
  docsUrl: 'https://developers.google.com/gmail/api/reference/rest',
  auth: gmailAuth,
  triggers: [newEmailTrigger],
  actions: [sendEmailAction],
  templates: [
    {
      name: 'Gmail account',
      description: 'Connect a Google account with permission to read and send email.',
      requiredScopes: [
        'https://www.googleapis.com/auth/gmail.readonly',
        'https://www.googleapis.com/auth/gmail.send',
      ],
      setupGuide:
        'Create an OAuth client (type "Web application") in the Google Cloud console, enable the Gmail API, add the Area callback URL as an authorized redirect URI, then connect the account from Area.',
    },
  ],
});
