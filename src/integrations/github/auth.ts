import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { GITHUB_API, githubClient } from './common/client.ts';

/**
 * A personal access token (fine-grained: Issues read/write on the chosen repositories), or a token from
 * a GitHub OAuth app. Webhook secrets are set per trigger.
 */
export const githubAuth: ServiceAuth = {
  type: 'custom',
  props: {
    token: prop.secret({
      displayName: 'Token',
      required: true,
      description:
        'Settings > Developer settings > Personal access tokens > Fine-grained tokens, with Issues: Read and write.',
      placeholder: 'github_pat_11ABCDEFG0...',
    }),
    baseUrl: prop.url({
      displayName: 'API base URL',
      description: 'For GitHub Enterprise Server: https://HOST/api/v3',
      placeholder: GITHUB_API,
      default: GITHUB_API,
    }),
  },
  async test(ctx) {
    await githubClient({ auth: ctx.auth, http: ctx.http, signal: ctx.signal }).json({ path: '/user' });
  },
};
