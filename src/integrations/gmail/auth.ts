import type { ServiceAuth } from '../../catalog/define.ts';
import { googleOAuth2 } from '../google-common/google-oauth2.ts';
import { gmailClient } from './common/gmail-client.ts';

export const gmailAuth: ServiceAuth = {
  type: 'oauth2',
  oauth2: googleOAuth2([
    'https://www.googleapis.com/auth/gmail.readonly',
    'https://www.googleapis.com/auth/gmail.send',
  ]),
  async test(ctx) {
    await gmailClient(ctx).json({ path: '/gmail/v1/users/me/profile' });
  },
};
