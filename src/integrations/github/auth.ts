import type { ServiceAuth, ServiceAuthAlternatives } from '../../catalog/define.ts';
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

/** A GitHub OAuth app's authorization flow. */
export const githubOAuth2: ServiceAuth = {
  type: 'oauth2',
  oauth2: {
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    scopes: ['repo'],
    // GitHub Enterprise Server: https://HOST/login/oauth/authorize and .../access_token.
    customEndpoints: true,
  },
  async test(ctx) {
    // OAuth2 credentials hold tokens only: the connection's config names another API host.
    const auth = {
      ...(ctx.auth as object),
      ...(ctx.config['baseUrl'] ? { baseUrl: ctx.config['baseUrl'] } : {}),
    };
    await githubClient({ auth, http: ctx.http, signal: ctx.signal }).json({ path: '/user' });
  },
};

/** Connect GitHub with a pasted token or through the OAuth2 flow. */
export const githubAuthOptions: ServiceAuthAlternatives = {
  type: 'alternatives',
  options: [githubAuth, githubOAuth2],
};
