import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  activateUser,
  deactivateUser,
  getUserForAdmin,
  listUsers,
  softDeleteUser,
} from '../../accounts/admin-users.ts';
import { assignRole, countActiveAdmins, removeRole } from '../../accounts/roles.ts';
import { AdminUser, ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const RoleParams = Type.Object({ id: Type.String({ format: 'uuid' }), role: Type.String({ maxLength: 50 }) });
const Role = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String()),
  isBuiltin: Type.Boolean(),
});

export const adminRoutes: RouteModule = (app, ctx) => {
  const admin = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }, 'admin');

  async function userOr404(id: string) {
    const user = await getUserForAdmin(ctx.db, id);
    if (!user) throw AppError.notFound('User');
    return user;
  }

  /** Refuses a change that would leave the instance without an active admin. */
  async function keepOneAdmin(userId: string, what: string): Promise<void> {
    const user = await userOr404(userId);
    if (user.isAdmin && user.isActive && !user.deletedAt && (await countActiveAdmins(ctx.db)) <= 1) {
      throw new AppError('conflict', `Cannot ${what} the last active admin`, { details: { field: 'id' } });
    }
  }

  function audit(
    request: FastifyRequest,
    action: string,
    userId: string,
    extra: { changes?: unknown; details?: Record<string, unknown> } = {},
  ) {
    return recordAudit(ctx.db, {
      userId: principalOf(request).userId,
      action,
      entityType: 'user',
      entityId: userId,
      ...extra,
      ...auditFromRequest(request),
    });
  }

  app.get(
    '/api/v1/admin/roles',
    {
      schema: {
        tags: ['admin'],
        summary: 'Roles and their permissions',
        response: { 200: Type.Object({ items: Type.Array(Role), nextCursor: Type.Null() }), ...errors },
      },
      preHandler: admin,
    },
    async () => {
      const rows = await ctx.db.selectFrom('roles').selectAll().orderBy('name').execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          description: r.description,
          permissions: Array.isArray(r.permissions) ? r.permissions.map(String) : [],
          isBuiltin: r.is_builtin,
        })),
        nextCursor: null,
      };
    },
  );

  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'List users',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(
            Type.String({ maxLength: 255, description: 'part of the email, username or name' }),
          ),
          isActive: Type.Optional(Type.Boolean()),
          includeDeleted: Type.Optional(Type.Boolean({ default: false })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AdminUser),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: admin,
    },
    async (request) =>
      listUsers(
        ctx.db,
        {
          q: request.query.q,
          isActive: request.query.isActive,
          includeDeleted: request.query.includeDeleted ?? false,
        },
        { limit: request.query.limit ?? 50, cursor: request.query.cursor },
      ),
  );

  app.get(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One user',
        params: IdParams,
        response: { 200: AdminUser, ...errors },
      },
      preHandler: admin,
    },
    async (request) => userOr404(request.params.id),
  );

  app.post(
    '/api/v1/admin/users/:id/deactivate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Deactivate a user: sign-in refused, sessions revoked',
        params: IdParams,
        response: { 200: AdminUser, ...errors },
      },
      preHandler: admin,
    },
    async (request) => {
      await keepOneAdmin(request.params.id, 'deactivate');
      await deactivateUser(ctx.db, request.params.id);
      await audit(request, 'user.deactivated', request.params.id, { changes: { isActive: [true, false] } });
      return userOr404(request.params.id);
    },
  );

  app.post(
    '/api/v1/admin/users/:id/activate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reactivate a deactivated user',
        params: IdParams,
        response: { 200: AdminUser, ...errors },
      },
      preHandler: admin,
    },
    async (request) => {
      const user = await userOr404(request.params.id);
      if (user.deletedAt) throw new AppError('conflict', 'A deleted user cannot be reactivated');
      await activateUser(ctx.db, request.params.id);
      await audit(request, 'user.activated', request.params.id, { changes: { isActive: [false, true] } });
      return userOr404(request.params.id);
    },
  );

  app.delete(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Delete a user (soft: history stays, access ends)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const user = await userOr404(request.params.id);
      if (user.deletedAt) throw AppError.notFound('User');
      await keepOneAdmin(request.params.id, 'delete');
      await softDeleteUser(ctx.db, request.params.id);
      await audit(request, 'user.deleted', request.params.id, { details: { email: user.email } });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/users/:id/roles/:role',
    {
      schema: {
        tags: ['admin'],
        summary: 'Give a user a role',
        params: RoleParams,
        response: { 200: AdminUser, ...errors },
      },
      preHandler: admin,
    },
    async (request) => {
      const user = await userOr404(request.params.id);
      const role = await ctx.db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', request.params.role)
        .executeTakeFirst();
      if (!role) throw AppError.notFound(`Role ${request.params.role}`);
      if (await assignRole(ctx.db, user.id, role.id, principalOf(request).userId)) {
        await audit(request, 'user.role_assigned', user.id, {
          changes: { roles: [user.roles, [...user.roles, request.params.role].sort()] },
          details: { role: request.params.role },
        });
      }
      return userOr404(user.id);
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/roles/:role',
    {
      schema: {
        tags: ['admin'],
        summary: 'Take a role from a user',
        params: RoleParams,
        response: { 200: AdminUser, ...errors },
      },
      preHandler: admin,
    },
    async (request) => {
      const user = await userOr404(request.params.id);
      const role = await ctx.db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', request.params.role)
        .executeTakeFirst();
      if (!role) throw AppError.notFound(`Role ${request.params.role}`);
      if (request.params.role === 'admin') await keepOneAdmin(user.id, 'remove the admin role from');
      if (await removeRole(ctx.db, user.id, role.id)) {
        await audit(request, 'user.role_removed', user.id, {
          changes: { roles: [user.roles, user.roles.filter((r) => r !== request.params.role)] },
          details: { role: request.params.role },
        });
      }
      return userOr404(user.id);
    },
  );
};
