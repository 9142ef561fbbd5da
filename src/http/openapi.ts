import { createRequire } from 'node:module';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { App } from './route-module.ts';

/** The options of the OpenAPI document (the swagger plugin's, dynamic mode). */
export function openApiOptions(version: string, publicUrl: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Area API',
        description: 'Automate across services: workflows, runs, connections and the catalog.',
        version,
      },
      servers: [{ url: publicUrl }],
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
  };
}

type Hook = (...args: never[]) => unknown;
type SwaggerPlugin = (
  host: object,
  options: FastifyDynamicSwaggerOptions,
  done: (error?: Error) => void,
) => void;

/**
 * `app.swagger()`, the OpenAPI document of every route, built on its first use by the swagger plugin
 * (@fastify/swagger) from the routes and plugin instances noted while the server was built.
 *
 * Registered at start, the plugin loaded its document builder (with a YAML library) and its schema
 * resolver: 25-30 ms of every start for a document most processes never serve. It listens to
 * `onRoute`, `onRegister` and `onReady`, and reads shared schemas with `getSchemas()`; here it is
 * handed the same events in the same order when the document is first asked for, so the document is
 * the one the plugin makes when registered at start (a test compares them).
 */
export function registerOpenApi(app: App, options: FastifyDynamicSwaggerOptions): void {
  const routes: RouteOptions[] = [];
  const instances: FastifyInstance[] = [];
  let ready = false;
  app.addHook('onRoute', (route) => {
    routes.push(route as RouteOptions);
  });
  app.addHook('onRegister', (instance) => {
    instances.push(instance);
  });
  app.addHook('onReady', async () => {
    ready = true;
  });
  let swagger: ((opts?: { yaml?: boolean }) => unknown) | undefined;
  const build = () => {
    if (!ready) throw new Error('.swagger() must be called after .ready()');
    const plugin = (createRequire(import.meta.url)('@fastify/swagger') as { fastifySwagger: SwaggerPlugin })
      .fastifySwagger;
    const hooks = new Map<string, Hook[]>();
    let decorated: typeof swagger;
    const host = {
      addHook(name: string, hook: Hook) {
        hooks.set(name, [...(hooks.get(name) ?? []), hook]);
      },
      decorate(_name: string, value: typeof swagger) {
        decorated = value;
      },
      getSchemas: () => app.getSchemas(),
    };
    plugin(host, options, (error) => {
      if (error) throw error;
    });
    const call = (name: string, ...args: unknown[]) => {
      for (const hook of hooks.get(name) ?? []) (hook as (...a: unknown[]) => unknown)(...args);
    };
    for (const route of routes) call('onRoute', route);
    for (const instance of instances) call('onRegister', instance);
    call('onReady', () => {});
    if (!decorated) throw new Error('the swagger plugin did not provide its document');
    return decorated;
  };
  app.decorate('swagger', ((opts?: { yaml?: boolean }) => {
    swagger ??= build();
    return swagger(opts);
  }) as App['swagger']);
}
