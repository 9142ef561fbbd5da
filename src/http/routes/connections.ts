import { Type } from 'typebox';
import { ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import { testConnection } from '../../connections/connection-test.ts';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
} from '../../connections/connections.ts';
import { principalOf, requireAuth } from '../auth.ts';
import type { RouteModule } from '../route-module.ts';

const Obj = Type.Record(Type.String(), Type.Unknown());
const Name = Type.String({ minLength: 1, maxLength: 255 });

export const Connection = Type.Object({
  id: Type.String(),
  serviceKey: Type.String(),
  serviceName: Type.String(),
  authType: Type.String(),
  name: Type.String(),
  config: Obj,
  status: Type.Union([
    Type.Literal('active'),
    Type.Literal('inactive'),
    Type.Literal('error'),
    Type.Literal('expired'),
  ]),
  credentialFields: Type.Array(Type.String(), {
    description: 'names of the stored credential fields (never values)',
  }),
  tokenExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastTestedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  metadata: Obj,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** A user's accounts on services. Credentials go in, are sealed, and never come back out. */
export const connectionRoutes: RouteModule = (app, ctx) => {
  const read = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'connections:read');
  const write = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'connections:write');
  const deps = { db: ctx.db, keys: ctx.keys, catalog: ctx.catalog };

  app.post(
    '/api/v1/connections',
    {
      schema: {
        tags: ['connections'],
        summary:
          'Connect an account on a service (credentials checked against its auth schema, stored encrypted)',
        body: Type.Object(
          {
            service: Type.String({ maxLength: 100 }),
            name: Name,
            credentials: Type.Optional(Obj),
            config: Type.Optional(Obj),
            metadata: Type.Optional(Obj),
          },
          { additionalProperties: false },
        ),
        response: { 201: Connection, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const connection = await createConnection(deps, userId, request.body);
      await recordAudit(ctx.db, {
        userId,
        action: 'connection.created',
        entityType: 'connection',
        entityId: connection.id,
        details: { service: connection.serviceKey, name: connection.name },
        ...auditFromRequest(request),
      });
      return reply.status(201).send(connection);
    },
  );

  app.get(
    '/api/v1/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'List your connections, newest first',
        querystring: Type.Object({ ...PageQuery, service: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(Connection),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) =>
      listConnections(deps, principalOf(request).userId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        serviceKey: request.query.service,
      }),
  );

  app.get(
    '/api/v1/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'One connection',
        params: IdParams,
        response: { 200: Connection, ...errors },
      },
      preHandler: read,
    },
    async (request) => getConnection(deps, principalOf(request).userId, request.params.id),
  );

  app.patch(
    '/api/v1/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Rename, replace credentials or config, or turn a connection on or off',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            credentials: Type.Optional(Obj),
            config: Type.Optional(Obj),
            metadata: Type.Optional(Obj),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Connection, ...errors },
      },
      preHandler: write,
    },
    async (request) => {
      const { userId } = principalOf(request);
      const connection = await updateConnection(deps, userId, request.params.id, request.body);
      await recordAudit(ctx.db, {
        userId,
        action: 'connection.updated',
        entityType: 'connection',
        entityId: connection.id,
        details: { fields: Object.keys(request.body) },
        ...auditFromRequest(request),
      });
      return connection;
    },
  );

  app.delete(
    '/api/v1/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Delete a connection',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      await deleteConnection(deps, userId, request.params.id);
      await recordAudit(ctx.db, {
        userId,
        action: 'connection.deleted',
        entityType: 'connection',
        entityId: request.params.id,
        ...auditFromRequest(request),
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/connections/:id/test',
    {
      schema: {
        tags: ['connections'],
        summary: 'Check the credentials against the service; records status, lastTestedAt and errorMessage',
        params: IdParams,
        response: { 200: Type.Intersect([Connection, Type.Object({ ok: Type.Boolean() })]), ...errors },
      },
      preHandler: write,
    },
    async (request) =>
      testConnection(
        {
          ...deps,
          httpLimits: {
            timeoutMs: ctx.config.integrations.httpTimeoutMs,
            maxBytes: ctx.config.integrations.httpMaxResponseBytes,
          },
        },
        principalOf(request).userId,
        request.params.id,
      ),
  );
};
