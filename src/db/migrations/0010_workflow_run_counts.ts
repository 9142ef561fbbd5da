import type { Kysely } from 'kysely';
import { run } from '../migration-kit.ts';

// A workflow's run counters in a few narrow rows of their own (shards), which the intake and the run
// endings add to without locking the workflow row or each other; the workflow's own columns hold what
// was folded in from them. A workflow's counters are its columns plus the sum of its shards.
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE workflow_run_counts (
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      shard smallint NOT NULL,
      triggered_count bigint NOT NULL DEFAULT 0,
      successful_executions bigint NOT NULL DEFAULT 0,
      failed_executions bigint NOT NULL DEFAULT 0,
      -- Of the runs counted in successful_executions and failed_executions.
      total_duration_ms bigint NOT NULL DEFAULT 0,
      last_triggered_at timestamptz,
      PRIMARY KEY (workflow_id, shard)
    ) WITH (fillfactor = 50)`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP TABLE workflow_run_counts']);
}
