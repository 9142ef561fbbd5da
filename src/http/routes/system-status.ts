import { Type } from 'typebox';
import { ErrorResponse } from '../../accounts/schemas.ts';
import { latestStatus } from '../../system/health-check.ts';
import { requireAuth } from '../auth.ts';
import type { RouteModule } from '../route-module.ts';

const Check = Type.Object({
  serviceName: Type.String({ description: 'database, queue, or service:<key>' }),
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('down')]),
  responseTimeMs: Type.Union([Type.Integer(), Type.Null()]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  checkedAt: Type.String({ format: 'date-time' }),
});

export const systemStatusRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/system/status',
    {
      schema: {
        tags: ['system'],
        summary: 'The latest health check of the platform and of each service',
        response: {
          200: Type.Object({
            status: Type.Union([
              Type.Literal('healthy'),
              Type.Literal('degraded'),
              Type.Literal('down'),
              Type.Literal('unknown'),
            ]),
            checks: Type.Array(Check),
          }),
          401: ErrorResponse,
        },
      },
      preHandler: requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret }),
    },
    async () => {
      const rows = await latestStatus(ctx.db);
      const checks = rows.map((r) => ({
        serviceName: r.service_name,
        status: r.status,
        responseTimeMs: r.response_time,
        errorMessage: r.error_message,
        metadata: (r.metadata ?? {}) as Record<string, unknown>,
        checkedAt: r.checked_at.toISOString(),
      }));
      const worst: 'healthy' | 'degraded' | 'down' | 'unknown' = checks.some((c) => c.status === 'down')
        ? 'down'
        : checks.some((c) => c.status === 'degraded')
          ? 'degraded'
          : checks.length > 0
            ? 'healthy'
            : 'unknown';
      return { status: worst, checks };
    },
  );
};
