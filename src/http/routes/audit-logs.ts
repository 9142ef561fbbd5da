import { Type } from 'typebox';
import { AuditLog, ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { getAuditLog, listAuditLogs } from '../../audit/list-audit-logs.ts';
import { type Principal, principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Admins (signed in, or with an admin-scoped key) see everyone's entries; everybody else only their own. */
function seesAll(principal: Principal): boolean {
  return principal.isAdmin;
}

export const auditLogRoutes: RouteModule = (app, ctx) => {
  const auth = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret });

  app.get(
    '/api/v1/audit-logs',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries: your own, or (admins) everyone’s, newest first',
        querystring: Type.Object({
          ...PageQuery,
          action: Type.Optional(
            Type.String({ maxLength: 100, description: 'exact, or a prefix ending in a dot' }),
          ),
          entityType: Type.Optional(Type.String({ maxLength: 100 })),
          entityId: Type.Optional(Type.String({ format: 'uuid' })),
          userId: Type.Optional(
            Type.String({ format: 'uuid', description: 'admins: entries of this actor' }),
          ),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AuditLog),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: auth,
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      if (q.userId && q.userId !== principal.userId && !seesAll(principal)) {
        throw new AppError('forbidden', 'userId: only admins can read other users’ entries', {
          details: { field: 'userId' },
        });
      }
      return listAuditLogs(
        ctx.db,
        {
          userId: seesAll(principal) ? q.userId : principal.userId,
          action: q.action,
          entityType: q.entityType,
          entityId: q.entityId,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
        },
        { limit: q.limit ?? 50, cursor: q.cursor },
      );
    },
  );

  app.get(
    '/api/v1/audit-logs/:id',
    {
      schema: {
        tags: ['audit'],
        summary: 'One audit log entry',
        params: IdParams,
        response: { 200: AuditLog, ...errors },
      },
      preHandler: auth,
    },
    async (request) => {
      const principal = principalOf(request);
      const entry = await getAuditLog(
        ctx.db,
        request.params.id,
        seesAll(principal) ? undefined : principal.userId,
      );
      if (!entry) throw AppError.notFound('Audit log entry');
      return entry;
    },
  );
};
