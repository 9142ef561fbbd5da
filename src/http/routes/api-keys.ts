import { Type } from 'typebox';
import { ApiKeyUsage, registerApiKeyUsage } from '../../accounts/api-key-usage.ts';
import { createApiKey, getApiKey, listApiKeys, renameApiKey, revokeApiKey } from '../../accounts/api-keys.ts';
import { ApiKey, ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { isUniqueViolation, requireSignedIn } from '../../accounts/session-guard.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import { principalOf, SCOPES } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const Scope = Type.Union(SCOPES.map((s) => Type.Literal(s)));
const Name = Type.String({ minLength: 1, maxLength: 100 });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const apiKeyRoutes: RouteModule = (app, ctx) => {
  const usage = new ApiKeyUsage(ctx.db, { log: ctx.log });
  registerApiKeyUsage(ctx.db, usage);
  app.addHook('onClose', async () => {
    await usage.stop();
  });

  const guard = requireSignedIn({ db: ctx.db, jwtSecret: ctx.jwtSecret });

  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key (the full key is in this answer only)',
        body: Type.Object(
          {
            name: Name,
            scopes: Type.Optional(
              Type.Array(Scope, { minItems: 1, uniqueItems: true, default: ['workflows:read'] }),
            ),
            expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]),
          409: ErrorResponse,
          ...errors,
        },
      },
      preHandler: guard,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const scopes = request.body.scopes ?? ['workflows:read'];
      if (scopes.includes('admin') && !principal.isAdmin) {
        throw AppError.invalid([{ path: 'scopes', rule: 'admin_only', message: 'admin is only for admins' }]);
      }
      const expiresAt = request.body.expiresAt ? new Date(request.body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw AppError.invalid([{ path: 'expiresAt', rule: 'future', message: 'must be in the future' }]);
      }
      const created = await createApiKey(ctx.db, principal.userId, {
        name: request.body.name,
        scopes,
        expiresAt,
      });
      if ('conflict' in created) {
        throw new AppError('conflict', 'name: you already have an active key with this name', {
          details: { field: 'name' },
        });
      }
      await recordAudit(ctx.db, {
        userId: principal.userId,
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: created.view.id,
        details: { name: created.view.name, prefix: created.view.prefix, scopes },
        ...auditFromRequest(request),
      });
      return reply.status(201).send({ ...created.view, key: created.key });
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'List your API keys',
        querystring: Type.Object({
          ...PageQuery,
          includeRevoked: Type.Optional(Type.Boolean({ default: false })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ApiKey),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: guard,
    },
    async (request) =>
      listApiKeys(ctx.db, principalOf(request).userId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        includeRevoked: request.query.includeRevoked ?? false,
      }),
  );

  app.get(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags: ['api keys'],
        summary: 'One of your API keys',
        params: IdParams,
        response: { 200: ApiKey, ...errors },
      },
      preHandler: guard,
    },
    async (request) => {
      const key = await getApiKey(ctx.db, principalOf(request).userId, request.params.id);
      if (!key) throw AppError.notFound('API key');
      return key;
    },
  );

  app.patch(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Rename an API key',
        params: IdParams,
        body: Type.Object({ name: Name }, { additionalProperties: false }),
        response: { 200: ApiKey, 409: ErrorResponse, ...errors },
      },
      preHandler: guard,
    },
    async (request) => {
      const principal = principalOf(request);
      let key: Awaited<ReturnType<typeof renameApiKey>>;
      try {
        key = await renameApiKey(ctx.db, principal.userId, request.params.id, request.body.name);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('conflict', 'name: you already have an active key with this name', {
          details: { field: 'name' },
        });
      }
      if (!key) throw AppError.notFound('API key');
      return key;
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: guard,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!(await revokeApiKey(ctx.db, principal.userId, request.params.id)))
        throw AppError.notFound('API key');
      await recordAudit(ctx.db, {
        userId: principal.userId,
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: request.params.id,
        ...auditFromRequest(request),
      });
      return reply.status(204).send(null);
    },
  );
};
