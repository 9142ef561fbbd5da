import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SwaggerOptions } from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import addFormats from 'ajv-formats';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { AppContext } from '../app-context.ts';
import { installErrorHandler } from './error-handler.ts';
import { instrumentHttp } from './metrics.ts';
import { openApiOptions, registerOpenApi } from './openapi.ts';
import type { App, HttpContext, RouteModule } from './route-module.ts';
import { routeModules } from './routes/index.ts';

// Every problem at once (not just the first), query strings coerced to their declared types.
const AJV_OPTIONS = {
  customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
  plugins: [addFormats],
} as unknown as FastifyServerOptions['ajv'];

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** What Fastify hands a schema compiler for one part of one route. */
interface RouteSchema {
  schema: Record<string, unknown>;
  httpPart?: string;
}
type ValidateFn = ((data: unknown, context?: object) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type SerializeFn = (data: unknown) => string;
type CompilerFactory<F> = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => F;

// Fastify's own default compilers (Ajv for requests, fast-json-stringify for responses), resolved
// from Fastify's install so they are always the versions it was built with.
const fromFastify = createRequire(import.meta.resolve('fastify'));
const defaultValidatorFactory = (fromFastify('@fastify/ajv-compiler') as () => CompilerFactory<ValidateFn>)();
const defaultSerializerFactory = (
  fromFastify('@fastify/fast-json-stringify-compiler') as () => CompilerFactory<SerializeFn>
)();

// The compilations of each server not run yet, so a test can force them all (see compileRouteSchemas).
const pendingCompilations = new WeakMap<object, Set<() => unknown>>();

/**
 * Runs `compile` on first use and remembers the result. Building a validator or serializer for every
 * route at start took about half a second and 30 MB of code for routes most processes never serve.
 */
function onFirstUse<F>(pending: Set<() => unknown>, compile: () => F): () => F {
  let compiled: F | undefined;
  const get = () => {
    if (compiled === undefined) {
      compiled = compile();
      pending.delete(get);
    }
    return compiled;
  };
  pending.add(get);
  return get;
}

/**
 * Request validators compiled by Fastify's default Ajv compiler on a route's first request. Fastify
 * lower-cases header names in header schemas only for its built-in compiler, so that is done here.
 */
function lazyValidatorFactory(pending: Set<() => unknown>): CompilerFactory<ValidateFn> {
  return (externalSchemas, options) => {
    // Fastify asks for the compiler when it gets ready; its Ajv instance is made on the first compile.
    let compile: ((route: RouteSchema) => ValidateFn) | undefined;
    return (route) => {
      const part =
        route.httpPart === 'headers' ? { ...route, schema: lowerCaseHeaderNames(route.schema) } : route;
      const validator = onFirstUse(pending, () => {
        compile ??= defaultValidatorFactory(externalSchemas, options);
        return compile(part);
      });
      const validate: ValidateFn = (data, context) => validator()(data, context);
      // Fastify reads `errors` after a failed check and passes the parent object when `schemaEnv` is set.
      Object.defineProperties(validate, {
        errors: { get: () => validator().errors },
        schemaEnv: { get: () => validator().schemaEnv },
      });
      return validate;
    };
  };
}

/** Response serializers built by fast-json-stringify on a route's first response with that status. */
function lazySerializerFactory(pending: Set<() => unknown>): CompilerFactory<SerializeFn> {
  return (externalSchemas, options) => {
    let compile: ((route: RouteSchema) => SerializeFn) | undefined;
    return (route) => {
      const serializer = onFirstUse(pending, () => {
        compile ??= defaultSerializerFactory(externalSchemas, options);
        return compile(route);
      });
      return (data) => serializer()(data);
    };
  };
}

function lowerCaseHeaderNames(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema['properties'] as Record<string, unknown> | undefined;
  const required = schema['required'] as string[] | undefined;
  return {
    ...schema,
    ...(properties
      ? { properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k.toLowerCase(), v])) }
      : {}),
    ...(Array.isArray(required) ? { required: required.map((name) => name.toLowerCase()) } : {}),
  };
}

/** Compiles every route schema not compiled yet and returns how many; throws on one that cannot be (tests). */
export function compileRouteSchemas(app: App): number {
  const pending = [...(pendingCompilations.get(app) ?? [])];
  for (const compile of pending) compile();
  return pending.length;
}

export interface ServerOptions {
  version: string;
  /** Extra route files (the web app's static files, test-only routes). */
  extraRoutes?: readonly RouteModule[];
}

const VIEWER_PREFIX = '/api/docs';
// Hop-by-hop and length headers are the outer server's to set.
const NOT_FORWARDED = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

/**
 * The API viewer (Swagger UI) at /api/docs, set up on its first visit in a Fastify instance of its own
 * that these routes forward to. Registering it loads its static-file server and reads its assets'
 * index: 100 to 200 ms of every start for a page most processes never serve. Its copy of the OpenAPI
 * document is taken then, when every route is registered.
 */
function registerApiViewer(app: App): void {
  let viewer: Promise<FastifyInstance> | undefined;
  const load = async () => {
    const { default: swagger } = await import('@fastify/swagger');
    const { default: swaggerUi } = await import('@fastify/swagger-ui');
    const instance = Fastify();
    // Static mode is typed for OpenAPI 3.0 and Swagger 2 documents; ours (3.1) is served as it is.
    const options = {
      mode: 'static',
      specification: { document: app.swagger() },
    } as unknown as SwaggerOptions;
    await instance.register(swagger, options);
    await instance.register(swaggerUi, { routePrefix: VIEWER_PREFIX, staticCSP: true });
    await instance.ready();
    return instance;
  };
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    viewer ??= load().catch((error: unknown) => {
      viewer = undefined;
      throw error;
    });
    const answer = await (await viewer).inject({
      method: request.method as 'GET' | 'HEAD',
      url: request.url,
      headers: request.headers,
    });
    void reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) void reply.header(name, value);
    }
    return reply.send(answer.rawPayload);
  };
  app.get(VIEWER_PREFIX, { schema: { hide: true } }, forward);
  app.get(`${VIEWER_PREFIX}/*`, { schema: { hide: true } }, forward);
  app.addHook('onClose', async () => {
    await (await viewer?.catch(() => undefined))?.close();
  });
}

export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  const pending = new Set<() => unknown>();
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
    schemaController: {
      compilersFactory: {
        buildValidator: lazyValidatorFactory(pending),
        buildSerializer: lazySerializerFactory(pending),
      },
    } as unknown as FastifyServerOptions['schemaController'],
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  pendingCompilations.set(app, pending);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installErrorHandler(app);
  instrumentHttp(app, ctx.metrics);

  registerOpenApi(app as App, openApiOptions(options.version, ctx.config.publicUrl));
  registerApiViewer(app as App);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const httpContext: HttpContext = { ...ctx, version: options.version };
  for (const register of [...routeModules, ...(options.extraRoutes ?? [])]) {
    await register(app as App, httpContext);
  }
  return app as App;
}
