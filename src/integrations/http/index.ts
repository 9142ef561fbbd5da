import { defineService } from '../../catalog/define.ts';
import { requestAction } from './actions/request.ts';
import { applyHttpCredentials, type HttpCredentials, httpAuthProps } from './auth.ts';

export const httpService = defineService({
  key: 'http',
  name: 'HTTP',
  description: 'Call any HTTP API. A connection can hold the credentials and a base URL.',
  icon: 'globe',
  category: 'core',
  auth: {
    type: 'custom',
    props: httpAuthProps,
    // With a `testUrl` in the connection's config, a test calls it with the credentials and expects 2xx.
    async test(ctx) {
      const testUrl = ctx.config['testUrl'];
      if (typeof testUrl !== 'string') return;
      const url = new URL(testUrl);
      const headers: Record<string, string> = {};
      applyHttpCredentials(ctx.auth as HttpCredentials, url, headers);
      const response = await ctx.http(url, { headers });
      if (!response.ok) throw new Error(`${url.origin}${url.pathname} answered ${response.status}`);
    },
  },
  triggers: [],
  actions: [requestAction],
  templates: [
    {
      name: 'Bearer token API',
      description: 'An API that takes Authorization: Bearer <token>.',
      configuration: { credentials: { type: 'bearer' }, config: { baseUrl: 'https://api.example.com' } },
    },
    {
      name: 'API key header',
      description: 'An API that takes a key in a header such as X-API-Key.',
      configuration: { credentials: { type: 'header', name: 'X-API-Key' } },
    },
  ],
});
