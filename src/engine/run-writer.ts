import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { DB } from '../db/types.ts';
import { uuidv7 } from '../lib/uuid.ts';
import { runCountShard } from '../workflows/run-counts.ts';
import type { EngineBus } from './bus.ts';
import { GroupCommit } from './group-commit.ts';
import { prepared } from './prepared.ts';
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

/** How endings reach a shared PostgreSQL database. */
export interface SharedDatabaseWrites {
  /** The endings go out on it as a prepared statement. */
  pool: pg.Pool;
  /** "done" is announced to every process by NOTIFY on this channel, from the same statement. */
  channel: string;
}

/**
 * Writes the endings of runs, grouped: the runs that end while a write is in flight share the next
 * one. One statement ends them all: status, output, steps, logs, a shard of the workflows' counters
 * (see run-counts.ts) and, on PostgreSQL, the "done" announcement. Then "done" is told to whoever
 * waits for them.
 */
export class RunWriter {
  readonly #db: Kysely<DB>;
  readonly #bus: EngineBus;
  readonly #group: GroupCommit<RunEnd, undefined>;
  readonly #shared: SharedDatabaseWrites | undefined;

  /**
   * `shared`: a PostgreSQL database other processes write concurrently (rows are locked first, in
   * id order). Without it (the embedded database runs one statement at a time) there is nothing to
   * order, and "done" is told in this process only.
   */
  constructor(db: Kysely<DB>, bus: EngineBus, shared?: SharedDatabaseWrites, maxBatch = 200) {
    this.#db = db;
    this.#bus = bus;
    this.#shared = shared;
    this.#group = new GroupCommit((ends) => this.#write(ends), maxBatch);
  }

  /**
   * Endings wait until `until` settles (at most `maxMs`): a schedule slot firing thousands of runs
   * has the database first, so that they all start soon; their endings follow in fuller writes.
   */
  holdWhile(until: Promise<unknown>, maxMs: number): void {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxMs);
    });
    this.#group.holdWhile(Promise.race([until, limit]).finally(() => clearTimeout(timer)));
  }

  end(run: RunEnd): Promise<undefined> {
    return this.#group.submit(run);
  }

  async #write(ends: RunEnd[]): Promise<undefined[]> {
    const statement = endRuns(ends, this.#shared);
    if (this.#shared) await this.#shared.pool.query(prepared(statement.compile(this.#db)));
    else await statement.execute(this.#db);
    this.#bus.ended(ends.map((e) => e.executionId));
    return ends.map(() => undefined);
  }
}

/** Ends runs that are still `running` (a run cancelled meanwhile keeps its status) in one statement. */
function endRuns(ends: readonly RunEnd[], shared: SharedDatabaseWrites | undefined): RawBuilder<unknown> {
  const lockInOrder = shared !== undefined;
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
  const logs = ends.flatMap((e) => e.logs.map((l) => ({ execution_id: e.executionId, ...logRowOf(l) })));
  const steps = ends.flatMap((e) => e.steps);
  const ids = ends.map((e) => e.executionId);
  return sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb) AS x(id uuid, status text,
        output jsonb, error text, error_node_key text, completed int, failed int, started_at timestamptz)
    ), ${
      lockInOrder
        ? sql`known_runs AS (
      -- Rows are locked in id order (runs, then counter shards), as every writer of them does.
      SELECT id, status FROM executions WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`
        : sql`known_runs AS (
      SELECT id, status FROM executions WHERE id = ANY(${ids}::uuid[])`
    }
    ), e AS (
      UPDATE executions ex SET status = i.status, output = i.output, error_message = i.error,
        error_node_key = i.error_node_key, completed_steps = i.completed, failed_steps = i.failed,
        total_steps = i.completed + i.failed,
        started_at = COALESCE(ex.started_at, i.started_at),
        completed_at = GREATEST(now(), COALESCE(ex.started_at, i.started_at)),
        duration_ms = GREATEST(0, (extract(epoch FROM now() - COALESCE(ex.started_at, i.started_at)) * 1000)::bigint),
        lease_until = NULL
      -- The status is checked on the rows read above, not in this scan: a condition on executions.status
      -- lets the planner read idx_executions_unfinished, whose entries for ended runs stay until a vacuum.
      FROM input i, known_runs k WHERE ex.id = i.id AND k.id = i.id AND k.status = 'running'
        AND ex.id = ANY(${ids}::uuid[])
${
  lockInOrder
    ? // The locks are taken before this update (a row it updated could not be locked after it).
      sql`AND (SELECT count(*) FROM known_runs) >= 0`
    : sql``
}
      RETURNING ex.id, ex.workflow_id, ex.status, ex.duration_ms
    ), w AS (
      INSERT INTO workflow_run_counts AS c (workflow_id, shard, successful_executions, failed_executions,
        total_duration_ms)
      SELECT workflow_id, ${runCountShard()}::smallint, count(*) FILTER (WHERE status = 'success'),
        count(*) FILTER (WHERE status = 'failed'),
        COALESCE(sum(duration_ms) FILTER (WHERE status IN ('success', 'failed')), 0)
      FROM e GROUP BY workflow_id ORDER BY workflow_id
      ON CONFLICT (workflow_id, shard) DO UPDATE SET
        successful_executions = c.successful_executions + excluded.successful_executions,
        failed_executions = c.failed_executions + excluded.failed_executions,
        total_duration_ms = c.total_duration_ms + excluded.total_duration_ms
    ), st AS (${stepsUpsert(steps, sql`SELECT id FROM known_runs`)}
    )${
      // Most runs log nothing. An insert of no rows still costs its start (the table and its indexes
      // opened and locked, its triggers readied), a few per cent of an ending's server CPU.
      logs.length === 0
        ? sql``
        : sql`, l AS (
      INSERT INTO execution_logs (execution_id, node_key, log_level, message, data)
      SELECT x.execution_id, x.node_key, x.level, x.message, x.data
      FROM jsonb_to_recordset(${JSON.stringify(logs)}::jsonb)
        AS x(execution_id uuid, node_key text, level text, message text, data jsonb)
      WHERE x.execution_id IN (SELECT id FROM known_runs)
    )`
    }${
      shared
        ? sql`, told AS (
      -- One notification for the batch (at most 200 ids fit in a payload), sent at commit.
      SELECT pg_notify(${shared.channel}, 'done:' || string_agg(id::text, ',')) FROM e HAVING count(*) > 0
    )
    SELECT (SELECT count(*) FROM e) AS ended, (SELECT count(*) FROM told) AS told`
        : sql`
    SELECT count(*) FROM e`
    }`;
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
  // A new row's id is made here: the column's default is a PL/pgSQL function, called once per row (2-5 %
  // of the server's CPU for an ending with two steps). A row that exists keeps its id.
  const rows = [...last.values()].map((s) => ({ ...s, id: uuidv7() }));
  return sql`
    INSERT INTO execution_steps (id, execution_id, node_key, status, attempt_count, input, output, error,
      started_at, finished_at, duration_ms)
    SELECT x.id, x.execution_id, x.node_key, x.status, x.attempt_count, x.input, COALESCE(x.output, 'null'::jsonb),
      x.error, COALESCE(x.started_at, x.finished_at, now()), x.finished_at, x.duration_ms
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, execution_id uuid,
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
