import { type Kysely, sql } from 'kysely';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import { uuidv7 } from '../lib/uuid.ts';

export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface CheckResult {
  serviceName: string;
  status: HealthStatus;
  responseTime: number;
  errorMessage: string | null;
  metadata: Record<string, unknown>;
}

/** Slower than this and a reachable part counts as degraded. */
const SLOW_MS = 2000;
const CHECK_TIMEOUT_MS = 10_000;

async function timed(
  serviceName: string,
  check: () => Promise<Record<string, unknown> | undefined>,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    const metadata = (await check()) ?? {};
    const responseTime = Math.round(performance.now() - started);
    return {
      serviceName,
      status: responseTime > SLOW_MS ? 'degraded' : 'healthy',
      responseTime,
      errorMessage: null,
      metadata,
    };
  } catch (error) {
    return {
      serviceName,
      status: 'down',
      responseTime: Math.round(performance.now() - started),
      errorMessage: (error as Error).message.slice(0, 1000),
      metadata: {},
    };
  }
}

/**
 * Checks the database, the job queue (when its schema exists) and every service that declares a health
 * check, and writes one system_status row per part.
 */
export async function runHealthCheck(deps: { db: Kysely<DB>; catalog: Catalog }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(
    await timed('database', async () => {
      await sql`SELECT 1`.execute(deps.db);
      return undefined;
    }),
  );
  const queue = await sql<{
    present: boolean;
  }>`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`.execute(deps.db);
  if (queue.rows[0]?.present) {
    results.push(
      await timed('queue', async () => {
        const r = await sql<{ state: string; n: number }>`
          SELECT state::text AS state, count(*)::int AS n FROM pgboss.job GROUP BY state`.execute(deps.db);
        return Object.fromEntries(r.rows.map((row) => [row.state, row.n]));
      }),
    );
  }
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const http = createLimitedFetch({ timeoutMs: CHECK_TIMEOUT_MS, maxBytes: 1024 * 1024 }, signal);
  for (const service of deps.catalog.services()) {
    const check = service.definition.healthCheck;
    if (!check) continue;
    results.push(
      await timed(`service:${service.key}`, async () => {
        await check({ http, signal });
        return undefined;
      }),
    );
  }
  await deps.db
    .insertInto('system_status')
    .values(
      results.map((r) => ({
        // The table's default id is PL/pgSQL, which the first call in a process loads (about 30 ms on
        // PGlite): the check runs as a scheduler starts.
        id: uuidv7(),
        service_name: r.serviceName,
        status: r.status,
        response_time: r.responseTime,
        error_message: r.errorMessage,
        metadata: JSON.stringify(r.metadata),
      })),
    )
    .execute();
  return results;
}

/** The latest row of each checked part. */
export async function latestStatus(db: Kysely<DB>) {
  return db
    .selectFrom('system_status')
    .selectAll()
    .distinctOn('service_name')
    .orderBy('service_name')
    .orderBy('checked_at', 'desc')
    .execute();
}

/** Rows older than this are removed by the periodic check. */
export async function pruneStatus(db: Kysely<DB>, keepDays = 7): Promise<void> {
  await db
    .deleteFrom('system_status')
    .where('checked_at', '<', new Date(Date.now() - keepDays * 86_400_000))
    .execute();
}
