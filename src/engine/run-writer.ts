import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { EngineBus } from './bus.ts';
import { GroupCommit } from './group-commit.ts';
import type { RunLogLine } from './step-executor.ts';

/** One execution_steps row as the runner keeps it until it is written. */
export interface StepRow {
  execution_id: string;
  node_key: string;
  status: string;
  attempt_count: number;
  input: unknown;
  output: unknown;
  error: string | null;
  /** null: keep the row's start (a delay finishing after its wait). */
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

/** How a run ended, with what it has not written yet. */
export interface RunEnd {
  executionId: string;
  workflowId: string;
  status: 'success' | 'failed' | 'skipped' | 'cancelled';
  output: unknown;
  error: string | null;
  errorNodeKey: string | null;
  completed: number;
  failedSteps: number;
  /** When this process began the run, for a row that has no start yet. */
  startedAt: Date;
  steps: StepRow[];
  logs: RunLogLine[];
}

/**
 * Writes the endings of runs, grouped: the runs that end while a write is in flight share the next
 * one. One statement ends them all (status, output, steps, logs, the workflows' counters); then
 * "done" is told to whoever waits for them.
 */
export class RunWriter {
  readonly #db: Kysely<DB>;
  readonly #bus: EngineBus;
  readonly #group: GroupCommit<RunEnd, undefined>;

  readonly #lockInOrder: boolean;

  /**
   * `lockInOrder`: lock the rows first, in id order (a database other writers share concurrently).
   * The embedded database runs one statement at a time: nothing to order there.
   */
  constructor(db: Kysely<DB>, bus: EngineBus, lockInOrder: boolean, maxBatch = 200) {
    this.#lockInOrder = lockInOrder;
    this.#db = db;
    this.#bus = bus;
    this.#group = new GroupCommit((ends) => this.#write(ends), maxBatch);
  }

  end(run: RunEnd): Promise<undefined> {
    return this.#group.submit(run);
  }

  async #write(ends: RunEnd[]): Promise<undefined[]> {
    await endRuns(this.#db, ends, this.#lockInOrder);
    this.#bus.publishDoneMany(ends.map((e) => e.executionId));
    return ends.map(() => undefined);
  }
}

/** Ends runs that are still `running` (a run cancelled meanwhile keeps its status) in one statement. */
async function endRuns(
  db: Kysely<DB> | Transaction<DB>,
  ends: readonly RunEnd[],
  lockInOrder: boolean,
): Promise<void> {
  const runs = ends.map((e) => ({
    id: e.executionId,
    status: e.status,
    output: e.status === 'success' ? (e.output ?? null) : null,
    error: e.status === 'success' ? null : e.error,
    error_node_key: e.errorNodeKey,
    completed: e.completed,
    failed: e.failedSteps,
    started_at: e.startedAt.toISOString(),
  }));
  const logs = ends.flatMap((e) =>
    [
      ...e.logs,
      {
        nodeKey: null,
        level: e.status === 'failed' ? 'error' : 'info',
        message: `run ${e.status}`,
      } as RunLogLine,
    ].map((l) => ({ execution_id: e.executionId, ...logRowOf(l) })),
  );
  const steps = ends.flatMap((e) => e.steps);
  const ids = ends.map((e) => e.executionId);
  const workflowIds = [...new Set(ends.map((e) => e.workflowId))];
  await sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb) AS x(id uuid, status text,
        output jsonb, error text, error_node_key text, completed int, failed int, started_at timestamptz)
    ), ${
      lockInOrder
        ? sql`known_runs AS (
      -- Rows are locked in id order (runs, then workflows), as every writer of them does: no deadlocks.
      SELECT id FROM executions WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE
    ), workflows_locked AS (
      SELECT id FROM workflows WHERE id = ANY(${workflowIds}::uuid[]) ORDER BY id FOR UPDATE`
        : sql`known_runs AS (
      SELECT id FROM executions WHERE id = ANY(${ids}::uuid[])`
    }
    ), e AS (
      UPDATE executions ex SET status = i.status, output = i.output, error_message = i.error,
        error_node_key = i.error_node_key, completed_steps = i.completed, failed_steps = i.failed,
        total_steps = i.completed + i.failed,
        started_at = COALESCE(ex.started_at, i.started_at),
        completed_at = GREATEST(now(), COALESCE(ex.started_at, i.started_at)),
        duration_ms = GREATEST(0, (extract(epoch FROM now() - COALESCE(ex.started_at, i.started_at)) * 1000)::bigint),
        lease_until = NULL
      FROM input i WHERE ex.id = i.id AND ex.id = ANY(${ids}::uuid[]) AND ex.status = 'running'
${
  lockInOrder
    ? // Both locks are taken before this update (a row it updated could not be locked after it).
      sql`AND (SELECT count(*) FROM known_runs) + (SELECT count(*) FROM workflows_locked) >= 0`
    : sql``
}
      RETURNING ex.workflow_id, ex.status, ex.duration_ms
    ), w AS (
      UPDATE workflows wf SET
        successful_executions = wf.successful_executions + s.ok,
        failed_executions = wf.failed_executions + s.bad,
        average_duration_ms = CASE WHEN s.ok + s.bad > 0 THEN
          (COALESCE(wf.average_duration_ms, 0) * (wf.successful_executions + wf.failed_executions) + s.total_ms)
            / (wf.successful_executions + wf.failed_executions + s.ok + s.bad)
          ELSE wf.average_duration_ms END
      FROM (SELECT workflow_id,
              count(*) FILTER (WHERE status = 'success')::int AS ok,
              count(*) FILTER (WHERE status = 'failed')::int AS bad,
              COALESCE(sum(duration_ms) FILTER (WHERE status IN ('success', 'failed')), 0) AS total_ms
            FROM e GROUP BY workflow_id) s
      WHERE wf.id = s.workflow_id
    ), st AS (${stepsUpsert(steps, sql`SELECT id FROM known_runs`)}
    ), l AS (
      INSERT INTO execution_logs (execution_id, node_key, log_level, message, data)
      SELECT x.execution_id, x.node_key, x.level, x.message, x.data
      FROM jsonb_to_recordset(${JSON.stringify(logs)}::jsonb)
        AS x(execution_id uuid, node_key text, level text, message text, data jsonb)
      WHERE x.execution_id IN (SELECT id FROM known_runs)
    )
    SELECT count(*) FROM e`.execute(db);
}

/** Writes step rows now (a long run's progress, or what a waiting run has done). */
export async function writeSteps(db: Kysely<DB> | Transaction<DB>, steps: readonly StepRow[]): Promise<void> {
  if (steps.length === 0) return;
  const ids = [...new Set(steps.map((s) => s.execution_id))];
  await stepsUpsert(steps, sql`SELECT id FROM executions WHERE id = ANY(${ids}::uuid[])`).execute(db);
}

/** The upsert of step rows. A step that succeeded is final: a resumed run never records it twice. */
function stepsUpsert(steps: readonly StepRow[], existing: RawBuilder<unknown>) {
  // One row per step in a statement (an upsert cannot touch a row twice): the last record wins.
  const last = new Map(steps.map((s) => [`${s.execution_id}\u0000${s.node_key}`, s]));
  return sql`
    INSERT INTO execution_steps (execution_id, node_key, status, attempt_count, input, output, error,
      started_at, finished_at, duration_ms)
    SELECT x.execution_id, x.node_key, x.status, x.attempt_count, x.input, COALESCE(x.output, 'null'::jsonb),
      x.error, COALESCE(x.started_at, x.finished_at, now()), x.finished_at, x.duration_ms
    FROM jsonb_to_recordset(${JSON.stringify([...last.values()])}::jsonb) AS x(execution_id uuid,
      node_key text, status text, attempt_count int, input jsonb, output jsonb, error text,
      started_at timestamptz, finished_at timestamptz, duration_ms bigint)
    -- Runs deleted meanwhile get no steps.
    WHERE x.execution_id IN (${existing})
    ON CONFLICT (execution_id, node_key) DO UPDATE SET status = excluded.status,
      attempt_count = GREATEST(execution_steps.attempt_count, excluded.attempt_count),
      input = COALESCE(excluded.input, execution_steps.input), output = excluded.output, error = excluded.error,
      finished_at = excluded.finished_at,
      duration_ms = COALESCE(excluded.duration_ms,
        (extract(epoch FROM excluded.finished_at - execution_steps.started_at) * 1000)::bigint)
    WHERE execution_steps.status <> 'success'`;
}

function logRowOf(l: RunLogLine) {
  return { node_key: l.nodeKey, level: l.level, message: l.message.slice(0, 10_000), data: l.data ?? null };
}

/** Log lines of one run, written now (a run that starts to wait). */
export async function insertLogs(
  db: Kysely<DB>,
  executionId: string,
  logs: readonly RunLogLine[],
): Promise<void> {
  if (logs.length === 0) return;
  await db
    .insertInto('execution_logs')
    .values(
      logs.map((line) => {
        const l = logRowOf(line);
        return {
          execution_id: executionId,
          node_key: l.node_key,
          log_level: l.level,
          message: l.message,
          data: l.data === null ? null : JSON.stringify(l.data),
        };
      }),
    )
    .execute();
}
