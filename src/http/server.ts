import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { installErrorHandler } from './error-handler.ts';
import { instrumentHttp } from './metrics.ts';
import type { App, HttpContext, RouteModule } from './route-module.ts';
import { routeModules } from './routes/index.ts';

// Every problem at once (not just the first), query strings coerced to their declared types.
const AJV_OPTIONS = {
  customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
  plugins: [addFormats],
} as unknown as FastifyServerOptions['ajv'];

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface ServerOptions {
  version: string;
  /** Extra route files (the web app's static files, test-only routes). */
  extraRoutes?: readonly RouteModule[];
}

export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: AJV_OPTIONS,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installErrorHandler(app);
  instrumentHttp(app, ctx.metrics);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Area API',
        description: 'Automate across services: workflows, runs, connections and the catalog.',
        version: options.version,
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An access token from /api/v1/auth/login, or an API key (area_...).',
          },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const httpContext: HttpContext = { ...ctx, version: options.version };
  for (const register of [...routeModules, ...(options.extraRoutes ?? [])]) {
    await register(app as App, httpContext);
  }
  return app as App;
}
