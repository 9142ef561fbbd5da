import { Type } from 'typebox';
import { ErrorResponse, IdParams } from '../../accounts/schemas.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import {
  createSecret,
  deleteSecret,
  getSecret,
  listSecrets,
  updateSecret,
} from '../../connections/secrets.ts';
import { principalOf, requireAuth } from '../auth.ts';
import type { RouteModule } from '../route-module.ts';

const Secret = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const Name = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,99}$',
  description: 'Used as {{ secrets.NAME }}: letters, digits and _, not starting with a digit',
});
const Value = Type.String({ minLength: 1, maxLength: 65_536 });
const Description = Type.String({ maxLength: 1000 });
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** Named encrypted values; the value goes in and never comes back out. */
export const secretRoutes: RouteModule = (app, ctx) => {
  const read = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'connections:read');
  const write = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'connections:write');
  const deps = { db: ctx.db, keys: ctx.keys };

  app.post(
    '/api/v1/secrets',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Store a secret (its value is never returned)',
        body: Type.Object(
          { name: Name, value: Value, description: Type.Optional(Description) },
          { additionalProperties: false },
        ),
        response: { 201: Secret, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const secret = await createSecret(deps, userId, request.body);
      await recordAudit(ctx.db, {
        userId,
        action: 'secret.created',
        entityType: 'secret',
        entityId: secret.id,
        details: { name: secret.name },
        ...auditFromRequest(request),
      });
      return reply.status(201).send(secret);
    },
  );

  app.get(
    '/api/v1/secrets',
    {
      schema: {
        tags: ['secrets'],
        summary: 'List your secrets (names only)',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          cursor: Type.Optional(
            Type.String({ maxLength: 100, description: 'nextCursor of the previous page' }),
          ),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Secret),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) =>
      listSecrets(deps, principalOf(request).userId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    '/api/v1/secrets/:id',
    {
      schema: {
        tags: ['secrets'],
        summary: 'One secret (without its value)',
        params: IdParams,
        response: { 200: Secret, ...errors },
      },
      preHandler: read,
    },
    async (request) => getSecret(deps, principalOf(request).userId, request.params.id),
  );

  app.patch(
    '/api/v1/secrets/:id',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Rename a secret, replace its value or its description',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            value: Type.Optional(Value),
            description: Type.Optional(Type.Union([Description, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Secret, ...errors },
      },
      preHandler: write,
    },
    async (request) => {
      const { userId } = principalOf(request);
      const secret = await updateSecret(deps, userId, request.params.id, request.body);
      await recordAudit(ctx.db, {
        userId,
        action: 'secret.updated',
        entityType: 'secret',
        entityId: secret.id,
        details: { name: secret.name, valueChanged: request.body.value !== undefined },
        ...auditFromRequest(request),
      });
      return secret;
    },
  );

  app.delete(
    '/api/v1/secrets/:id',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Delete a secret',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      await deleteSecret(deps, userId, request.params.id);
      await recordAudit(ctx.db, {
        userId,
        action: 'secret.deleted',
        entityType: 'secret',
        entityId: request.params.id,
        ...auditFromRequest(request),
      });
      return reply.status(204).send(null);
    },
  );
};
