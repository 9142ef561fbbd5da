import { Type } from 'typebox';
import { SIGN_IN_PROVIDER, userForIdentity } from '../../accounts/external-sign-in/link-account.ts';
import { ExternalSignInError, OidcClient } from '../../accounts/external-sign-in/oidc-client.ts';
import { ErrorResponse } from '../../accounts/schemas.ts';
import { startSession } from '../../accounts/sessions.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const COOKIE = 'area_oauth';
const COOKIE_PATH = '/api/v1/auth/oauth';
const FLOW_TTL_MS = 10 * 60 * 1000;
/** The web app's page that reads the result from the URL fragment. */
export const WEB_CALLBACK_PATH = '/auth/callback';

interface Flow {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string | undefined;
  expiresAt: number;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Only a path of this site: never send a freshly signed-in user to someone else's page. */
function safeReturnTo(value: string | undefined): string | undefined {
  return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : undefined;
}

/**
 * Sign-in with the configured external provider. The browser is sent to the provider by /start and
 * comes back to /callback; the flow's secrets (state, PKCE verifier, nonce) travel in a sealed,
 * HTTP-only cookie, so any API process can finish a flow another one began. The result goes to the
 * web app at /auth/callback in the URL fragment (never sent to a server):
 * `#accessToken=…&refreshToken=…&expiresIn=…[&returnTo=…]`, or `#error=<code>&message=…`.
 */
export const oauthSignInRoutes: RouteModule = (app, ctx) => {
  const config = ctx.config.accounts.oidc;
  const callbackUrl = `${ctx.config.publicUrl}${COOKIE_PATH}/callback`;
  const client = config ? new OidcClient(config, callbackUrl) : undefined;
  const secure = ctx.config.publicUrl.startsWith('https:') ? '; Secure' : '';
  const clearCookie = `${COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure}`;

  function toWebApp(fragment: Record<string, string>): string {
    return `${ctx.config.publicUrl}${WEB_CALLBACK_PATH}#${new URLSearchParams(fragment).toString()}`;
  }

  app.get(
    '/api/v1/auth/oauth/config',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether sign-in with an external provider is available, and its name',
        security: [],
        response: {
          200: Type.Object({ enabled: Type.Boolean(), name: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async () => ({ enabled: client !== undefined, name: config?.name ?? null }),
  );

  app.get(
    '/api/v1/auth/oauth/start',
    {
      schema: {
        tags: ['auth'],
        summary: 'Begin sign-in with the external provider (302 to the provider)',
        security: [],
        querystring: Type.Object({
          returnTo: Type.Optional(
            Type.String({ maxLength: 2000, description: 'a path of the web app to land on' }),
          ),
        }),
        response: { 404: ErrorResponse, 502: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (!client) throw new AppError('not_found', 'Sign-in with an external provider is not configured');
      let begun: Awaited<ReturnType<OidcClient['begin']>>;
      try {
        begun = await client.begin();
      } catch (error) {
        request.log.warn({ err: error }, 'external sign-in provider unreachable');
        throw new AppError('bad_gateway', 'The sign-in provider cannot be reached');
      }
      const flow: Flow = {
        state: begun.state,
        verifier: begun.verifier,
        nonce: begun.nonce,
        returnTo: safeReturnTo(request.query.returnTo),
        expiresAt: Date.now() + FLOW_TTL_MS,
      };
      const sealed = ctx.keys.seal(JSON.stringify(flow));
      void reply.header(
        'set-cookie',
        `${COOKIE}=${sealed}; Path=${COOKIE_PATH}; Max-Age=${FLOW_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secure}`,
      );
      return reply.redirect(begun.url, 302);
    },
  );

  app.get(
    '/api/v1/auth/oauth/callback',
    {
      schema: {
        tags: ['auth'],
        summary: 'Where the provider sends the browser back (302 to the web app)',
        security: [],
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 4096 })),
          state: Type.Optional(Type.String({ maxLength: 512 })),
          error: Type.Optional(Type.String({ maxLength: 256 })),
          error_description: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      void reply.header('set-cookie', clearCookie);
      const meta = auditFromRequest(request);
      const fail = async (code: string, message: string) => {
        await recordAudit(ctx.db, {
          userId: null,
          action: 'auth.login_failed',
          entityType: 'user',
          details: { method: SIGN_IN_PROVIDER, reason: code },
          ...meta,
        });
        return reply.redirect(toWebApp({ error: code, message }), 302);
      };
      if (!client) return fail('not_configured', 'Sign-in with an external provider is not configured');
      if (request.query.error) {
        return fail('provider_denied', request.query.error_description ?? request.query.error);
      }
      let flow: Flow | undefined;
      try {
        const sealed = cookieValue(request.headers.cookie, COOKIE);
        flow = sealed ? (JSON.parse(ctx.keys.open(sealed)) as Flow) : undefined;
      } catch {
        flow = undefined;
      }
      if (
        !flow ||
        flow.expiresAt < Date.now() ||
        !request.query.state ||
        flow.state !== request.query.state
      ) {
        return fail('invalid_state', 'The sign-in expired or did not start here: try again');
      }
      if (!request.query.code) return fail('invalid_request', 'The provider sent no code');
      try {
        const identity = await client.finish(request.query.code, flow.verifier, flow.nonce);
        const { userId } = await userForIdentity(ctx.db, identity, meta);
        const tokens = await startSession(
          {
            db: ctx.db,
            jwtSecret: ctx.jwtSecret,
            refreshTtlSeconds: ctx.config.accounts.refreshTokenTtlDays * 86_400,
          },
          userId,
          meta,
        );
        await recordAudit(ctx.db, {
          userId,
          action: 'auth.login',
          entityType: 'user',
          entityId: userId,
          details: { method: SIGN_IN_PROVIDER },
          ...meta,
        });
        return reply.redirect(
          toWebApp({
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresIn: String(tokens.expiresIn),
            ...(flow.returnTo ? { returnTo: flow.returnTo } : {}),
          }),
          302,
        );
      } catch (error) {
        if (error instanceof ExternalSignInError) return fail(error.code, error.message);
        if (error instanceof AppError) return fail(error.code, error.message);
        request.log.warn({ err: error }, 'external sign-in failed');
        return fail('provider_error', 'The sign-in provider could not be reached');
      }
    },
  );
};
