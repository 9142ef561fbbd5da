import type { ServiceAuth, ServiceAuthAlternatives } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { notionClient } from './common/notion-client.ts';

/**
 * An internal integration secret (Settings > Integrations > Develop your own), or the access token of
 * a public integration's OAuth flow: both are bearer tokens to the API.
 */
export const notionAuth: ServiceAuth = {
  type: 'bearer',
  props: {
    token: prop.secret({
      displayName: 'Integration secret',
      required: true,
      description:
        'Starts with ntn_ or secret_. Share each database or page with the integration (··· > Connections).',
      placeholder: 'ntn_123456789012345678901234567890123456789012345',
    }),
  },
  async test(ctx) {
    await notionClient(ctx).json({ path: '/v1/users/me' });
  },
};

/** A public integration's OAuth flow (owner=user: the person installing picks the pages to share). */
export const notionOAuth2: ServiceAuth = {
  type: 'oauth2',
  oauth2: {
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    scopes: [],
    pkce: false,
    authorizeParams: { owner: 'user' },
    // Notion's token endpoint takes the client by HTTP Basic only.
    clientAuth: 'basic',
  },
  async test(ctx) {
    await notionClient(ctx).json({ path: '/v1/users/me' });
  },
};

/** Connect Notion with an internal integration secret or through the OAuth2 flow. */
export const notionAuthOptions: ServiceAuthAlternatives = {
  type: 'alternatives',
  options: [notionAuth, notionOAuth2],
};
