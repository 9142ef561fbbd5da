import { sql } from 'kysely';
import { Type } from 'typebox';
import type { RouteModule } from '../route-module.ts';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    kind: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    ok: Type.Boolean(),
    latencyMs: Type.Number(),
  }),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});

export const healthRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        security: [],
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      let ok = true;
      try {
        await sql`SELECT 1`.execute(ctx.db);
      } catch {
        ok = false;
      }
      const body = {
        status: ok ? ('ok' as const) : ('degraded' as const),
        database: { kind: ctx.dbKind, ok, latencyMs: Math.round((performance.now() - started) * 100) / 100 },
        version: ctx.version,
        uptimeSeconds: Math.round(process.uptime()),
      };
      return reply.status(ok ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await ctx.metrics.metrics();
    return reply.type(ctx.metrics.contentType).send(text);
  });
};
