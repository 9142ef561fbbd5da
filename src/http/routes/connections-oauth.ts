import { Type } from 'typebox';
import { ErrorResponse } from '../../accounts/schemas.ts';
import { createLimitedFetch } from '../../catalog/limited-fetch.ts';
import { finishOAuth2, startOAuth2 } from '../../connections/oauth2-flow.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

/** OAuth2 connect flow: start (signed in) -> the provider -> callback (the browser comes back here). */
export const connectionOAuthRoutes: RouteModule = (app, ctx) => {
  const write = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'connections:write');
  const deps = { db: ctx.db, keys: ctx.keys, catalog: ctx.catalog, publicUrl: ctx.config.publicUrl };

  app.post(
    '/api/v1/connections/oauth/:service/start',
    {
      schema: {
        tags: ['connections'],
        summary: 'Start connecting an OAuth2 service: answers the provider URL to send the browser to',
        params: Type.Object({ service: Type.String({ maxLength: 100 }) }),
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            clientId: Type.String({ minLength: 1, maxLength: 500 }),
            clientSecret: Type.Optional(Type.String({ maxLength: 2000 })),
            authorizationUrl: Type.Optional(Type.String({ maxLength: 2000 })),
            tokenUrl: Type.Optional(Type.String({ maxLength: 2000 })),
            scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
            config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            authorizationUrl: Type.String(),
            state: Type.String(),
            redirectUri: Type.String(),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preHandler: write,
    },
    async (request) => startOAuth2(deps, principalOf(request).userId, request.params.service, request.body),
  );

  app.get(
    '/api/v1/connections/oauth/callback',
    {
      schema: {
        tags: ['connections'],
        summary: 'Where the provider sends the browser back; stores the connection and redirects to the app',
        security: [],
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 4000 })),
          state: Type.Optional(Type.String({ maxLength: 8000 })),
          error: Type.Optional(Type.String({ maxLength: 200 })),
          error_description: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: { 302: Type.Null(), 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const http = createLimitedFetch({
        timeoutMs: ctx.config.integrations.httpTimeoutMs,
        maxBytes: ctx.config.integrations.httpMaxResponseBytes,
      });
      try {
        const { connectionId } = await finishOAuth2({ ...deps, http }, request.query);
        return reply.redirect(`${ctx.config.publicUrl}/connections?connected=${connectionId}`, 302);
      } catch (error) {
        const message = error instanceof AppError ? error.message : 'The provider did not give tokens';
        request.log.warn({ reason: (error as Error).message }, 'oauth2 connect failed');
        return reply.redirect(
          `${ctx.config.publicUrl}/connections?error=${encodeURIComponent(message)}`,
          302,
        );
      }
    },
  );
};
