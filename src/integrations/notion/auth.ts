import type { ServiceAuth } from '../../catalog/define.ts';
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
