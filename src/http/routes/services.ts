import { Type } from 'typebox';
import { ErrorResponse } from '../../accounts/schemas.ts';
import type { CatalogComponent, CatalogService } from '../../catalog/registry.ts';
import { requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const Schema = Type.Record(Type.String(), Type.Unknown());

const ServiceSummary = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  icon: Type.String(),
  category: Type.String(),
  authType: Type.String(),
  requiresAuth: Type.Boolean(),
  docsUrl: Type.Union([Type.String(), Type.Null()]),
  triggerCount: Type.Integer(),
  actionCount: Type.Integer(),
});

const Component = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  ref: Type.String({ description: 'service.component, e.g. http.request' }),
  key: Type.String(),
  kind: Type.Union([Type.Literal('trigger'), Type.Literal('action')]),
  mode: Type.Union([Type.String(), Type.Null()], {
    description: 'trigger mode: webhook, polling, schedule, manual, subscription',
  }),
  flow: Type.Union([Type.String(), Type.Null()], {
    description: 'condition, filter or delay for flow actions',
  }),
  name: Type.String(),
  description: Type.String(),
  requiresConnection: Type.Boolean(),
  pollingIntervalSeconds: Type.Union([Type.Integer(), Type.Null()]),
  configSchema: Schema,
  outputSchema: Schema,
  sampleOutput: Type.Unknown(),
});

const Template = Type.Object({
  name: Type.String(),
  description: Type.String(),
  configuration: Schema,
  requiredScopes: Type.Array(Type.String()),
  setupGuide: Type.Union([Type.String(), Type.Null()]),
});

const ServiceDetail = Type.Intersect([
  ServiceSummary,
  Type.Object({ authSchema: Schema, components: Type.Array(Component), templates: Type.Array(Template) }),
]);

function summary(s: CatalogService) {
  const def = s.definition;
  return {
    key: s.key,
    name: def.name,
    description: def.description,
    icon: def.icon,
    category: def.category,
    authType: def.auth.type,
    requiresAuth: def.auth.type !== 'none',
    docsUrl: def.docsUrl ?? null,
    triggerCount: def.triggers.length,
    actionCount: def.actions.length,
  };
}

function component(c: CatalogComponent) {
  return {
    id: c.id ?? null,
    ref: c.ref,
    key: c.key,
    kind: c.kind,
    mode: c.mode ?? null,
    flow: c.flow ?? null,
    name: c.name,
    description: c.description,
    requiresConnection: c.requiresConnection,
    pollingIntervalSeconds:
      c.kind === 'trigger' && c.definition.mode === 'polling' ? c.definition.polling.intervalSeconds : null,
    configSchema: c.configSchema,
    outputSchema: c.outputSchema,
    sampleOutput: c.sampleOutput ?? null,
  };
}

/** The integration catalog: every signed-in user (or API key) may read it. */
export const serviceRoutes: RouteModule = (app, ctx) => {
  const guard = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret });

  app.get(
    '/api/v1/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List the services that can be connected and used in workflows',
        querystring: Type.Object({
          search: Type.Optional(
            Type.String({ maxLength: 100, description: 'matches key, name, description' }),
          ),
          category: Type.Optional(Type.String({ maxLength: 50 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          cursor: Type.Optional(
            Type.String({ maxLength: 100, description: 'nextCursor of the previous page' }),
          ),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ServiceSummary),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorResponse,
        },
      },
      preHandler: guard,
    },
    async (request) => {
      const { search, category, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const needle = search?.trim().toLowerCase();
      const matching = ctx.catalog
        .services()
        .filter((s) => !category || s.definition.category === category)
        .filter(
          (s) =>
            !needle ||
            [s.key, s.definition.name, s.definition.description].some((t) =>
              t.toLowerCase().includes(needle),
            ) ||
            s.components.some((c) => c.name.toLowerCase().includes(needle)),
        )
        .sort((a, b) => a.key.localeCompare(b.key))
        .filter((s) => !cursor || s.key > cursor);
      const page = matching.slice(0, limit);
      return {
        items: page.map(summary),
        nextCursor: matching.length > limit ? page[page.length - 1]!.key : null,
      };
    },
  );

  app.get(
    '/api/v1/services/:key',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One service with every trigger and action, their parameter and output schemas',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        response: { 200: ServiceDetail, 401: ErrorResponse, 404: ErrorResponse },
      },
      preHandler: guard,
    },
    async (request) => {
      const service = ctx.catalog.service(request.params.key);
      if (!service) throw AppError.notFound('Service');
      return {
        ...summary(service),
        authSchema: service.authSchema,
        components: service.components.map(component),
        templates: (service.definition.templates ?? []).map((t) => ({
          name: t.name,
          description: t.description,
          configuration: t.configuration ?? {},
          requiredScopes: [...(t.requiredScopes ?? [])],
          setupGuide: t.setupGuide ?? null,
        })),
      };
    },
  );
};
