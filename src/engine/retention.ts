import { type Kysely, sql } from 'kysely';
import type { BackgroundService } from '../app-context.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { periodicService } from '../system/periodic-service.ts';
import { foldRunCounts } from '../workflows/run-counts.ts';

const BATCH = 1000;

export interface RetentionOptions {
  db: Kysely<DB>;
  log: Logger;
  /** Finished runs older than this many days are deleted. */
  days: number;
  /** Only this many most recent runs are kept per workflow. */
  perWorkflow: number;
}

/** Deletes old runs in batches of 1000 (steps and logs go with them); unfinished runs are never touched. */
export async function pruneExecutions(
  options: RetentionOptions,
): Promise<{ byAge: number; byCount: number }> {
  const { db, days, perWorkflow } = options;
  let byAge = 0;
  for (;;) {
    const result = await sql`
      DELETE FROM executions WHERE id IN (
        SELECT id FROM executions
        WHERE created_at < now() - make_interval(days => ${days}::int)
          AND status NOT IN ('pending', 'running', 'waiting')
        LIMIT ${BATCH})`.execute(db);
    const n = Number(result.numAffectedRows ?? 0);
    byAge += n;
    if (n < BATCH) break;
  }
  let byCount = 0;
  for (;;) {
    const result = await sql`
      DELETE FROM executions WHERE id IN (
        SELECT id FROM (
          SELECT id, status, row_number() OVER (PARTITION BY workflow_id ORDER BY created_at DESC, id DESC) AS rank
          FROM executions) ranked
        WHERE rank > ${perWorkflow}::int AND status NOT IN ('pending', 'running', 'waiting')
        LIMIT ${BATCH})`.execute(db);
    const n = Number(result.numAffectedRows ?? 0);
    byCount += n;
    if (n < BATCH) break;
  }
  if (byAge + byCount > 0) options.log.info({ byAge, byCount }, 'old runs pruned');
  return { byAge, byCount };
}

/** Runs the pruning (and folds the workflows' counter shards) a minute after start, then every hour. */
export function retentionService(options: RetentionOptions): BackgroundService {
  return periodicService({
    name: 'retention',
    firstAfterMs: 60_000,
    everyMs: 60 * 60_000,
    round: async () => {
      await pruneExecutions(options).catch((error: unknown) =>
        options.log.error({ err: error }, 'pruning old runs failed'),
      );
      await foldRunCounts(options.db);
    },
    onError: (error) => options.log.error({ err: error }, 'folding run counters failed'),
  });
}
