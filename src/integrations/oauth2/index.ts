import { defineService } from '../../catalog/define.ts';
import { oauth2RequestAction } from './actions/request.ts';

/**
 * Any OAuth2 API: the user registers an app at the provider and gives its endpoints, client id and
 * secret when connecting. Area keeps the tokens sealed and refreshes them.
 */
export const oauth2Service = defineService({
  key: 'oauth2',
  name: 'OAuth2 API',
  description:
    'Call any API that signs in with OAuth2 (authorization code with PKCE); tokens are refreshed for you.',
  icon: 'key',
  category: 'developer',
  auth: { type: 'oauth2', oauth2: { scopes: [], pkce: true } },
  triggers: [],
  actions: [oauth2RequestAction],
  templates: [
    {
      name: 'Authorization code with PKCE',
      description: 'Register an app at the provider with the redirect URI shown when connecting.',
      setupGuide:
        'Give the provider this redirect URI: <PUBLIC_URL>/api/v1/connections/oauth/callback. Then connect with its authorization URL, token URL, client id and secret.',
    },
  ],
});
