import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

/**
 * A workflow's run counters are its own columns plus a few shard rows (workflow_run_counts) that the
 * intake and the run endings add to: each write picks a shard at random, so writers of one busy
 * workflow rarely wait for each other, and none of them locks the workflow row. The shards are
 * folded into the columns now and then; a read adds them up in one statement, so it is exact.
 */
export const RUN_COUNT_SHARDS = 8;

export function runCountShard(): number {
  return Math.floor(Math.random() * RUN_COUNT_SHARDS);
}

export interface RunCounts {
  triggered_count: number;
  successful_executions: number;
  failed_executions: number;
  last_triggered_at: Date | null;
  average_duration_ms: number | null;
}

/** The current counters of these workflows (columns plus shards, one snapshot). */
export async function runCountsOf(
  db: Kysely<DB>,
  workflowIds: readonly string[],
): Promise<Map<string, RunCounts>> {
  if (workflowIds.length === 0) return new Map();
  const { rows } = await sql<RunCounts & { id: string }>`
    SELECT w.id,
      w.triggered_count + COALESCE(sum(c.triggered_count), 0)::int AS triggered_count,
      w.successful_executions + COALESCE(sum(c.successful_executions), 0)::int AS successful_executions,
      w.failed_executions + COALESCE(sum(c.failed_executions), 0)::int AS failed_executions,
      GREATEST(w.last_triggered_at, max(c.last_triggered_at)) AS last_triggered_at,
      CASE WHEN w.successful_executions + w.failed_executions
          + COALESCE(sum(c.successful_executions + c.failed_executions), 0) = 0
        THEN w.average_duration_ms
        ELSE (COALESCE(w.average_duration_ms, 0) * (w.successful_executions + w.failed_executions)
          + COALESCE(sum(c.total_duration_ms), 0))::double precision
          / (w.successful_executions + w.failed_executions
            + COALESCE(sum(c.successful_executions + c.failed_executions), 0))
      END AS average_duration_ms
    FROM workflows w LEFT JOIN workflow_run_counts c ON c.workflow_id = w.id
    WHERE w.id = ANY(${workflowIds}::uuid[])
    GROUP BY w.id`.execute(db);
  return new Map(rows.map(({ id, ...counts }) => [id, counts]));
}

/** Workflow rows with their counters made current. */
export async function withRunCounts<T extends { id: string } & RunCounts>(
  db: Kysely<DB>,
  rows: readonly T[],
): Promise<T[]> {
  const counts = await runCountsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({ ...row, ...counts.get(row.id) }));
}

/**
 * Moves the shards into the workflows' columns (one statement). The workflows are locked first, in
 * id order, then their shards, the order every other writer of both follows.
 */
export async function foldRunCounts(db: Kysely<DB>): Promise<number> {
  const result = await sql`
    WITH locked AS (
      SELECT id FROM workflows WHERE id IN (SELECT workflow_id FROM workflow_run_counts)
      ORDER BY id FOR NO KEY UPDATE
    ), moved AS (
      DELETE FROM workflow_run_counts c
      WHERE c.workflow_id IN (SELECT id FROM locked)
      RETURNING c.*
    ), s AS (
      SELECT workflow_id, sum(triggered_count)::int AS t, sum(successful_executions)::int AS ok,
        sum(failed_executions)::int AS bad, sum(total_duration_ms) AS ms, max(last_triggered_at) AS last
      FROM moved GROUP BY workflow_id
    )
    UPDATE workflows w SET
      triggered_count = w.triggered_count + s.t,
      successful_executions = w.successful_executions + s.ok,
      failed_executions = w.failed_executions + s.bad,
      last_triggered_at = GREATEST(w.last_triggered_at, s.last),
      average_duration_ms = CASE WHEN s.ok + s.bad > 0 THEN
        (COALESCE(w.average_duration_ms, 0) * (w.successful_executions + w.failed_executions) + s.ms)
          / (w.successful_executions + w.failed_executions + s.ok + s.bad)
        ELSE w.average_duration_ms END
    FROM s WHERE w.id = s.workflow_id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
