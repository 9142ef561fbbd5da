import { defineAction } from '../../../catalog/define.ts';
import type { OAuth2Auth } from '../../../connections/oauth2-client.ts';
import { requestAction } from '../../http/actions/request.ts';

/** The HTTP request of the http service, authorised with the connection's access token. */
export const oauth2RequestAction = defineAction({
  key: 'request',
  name: 'Authorised HTTP request',
  description:
    'Calls an API with the OAuth2 access token of the connection; a 401 refreshes the token and retries once.',
  props: requestAction.props,
  output: requestAction.output,
  sampleOutput: requestAction.sampleOutput,
  async run(ctx) {
    const bearer = (auth: unknown) => ({ type: 'bearer' as const, token: (auth as OAuth2Auth).accessToken });
    const failOnError = ctx.props.failOnError ?? true;
    const first = await requestAction.run({
      ...ctx,
      auth: bearer(ctx.auth),
      props: { ...ctx.props, failOnError: false },
    });
    let result = first;
    if (first.status === 401 && ctx.connection) {
      ctx.log.info('access token refused: refreshing it and trying again');
      const fresh = await ctx.connection.refresh();
      result = await requestAction.run({
        ...ctx,
        auth: bearer(fresh),
        props: { ...ctx.props, failOnError: false },
      });
    }
    if (!result.ok && failOnError) {
      throw new Error(`${ctx.props.method} ${result.url} answered ${result.status}`);
    }
    return result;
  },
});
