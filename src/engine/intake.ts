import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB, ExecutionMode } from '../db/types.ts';
import { uuidv7 } from '../lib/uuid.ts';
import { runCountShard } from '../workflows/run-counts.ts';
import { GroupCommit } from './group-commit.ts';
import type { PipelinedIntake } from './intake-pipeline.ts';
import type { RunJobInsert, RunQueue } from './queue.ts';
import type { ClaimRow, RunEnding } from './runner.ts';

/** One event that should become a run of a published workflow version. */
export interface RunRequest {
  workflowId: string;
  userId: string;
  versionId: string;
  version: number;
  mode: ExecutionMode;
  triggerData: unknown;
  /** A repeat with the same key (per workflow) makes no second run. */
  idempotencyKey?: string | undefined;
  retryOf?: string | undefined;
  metadata?: Record<string, unknown>;
  /** Start the run no earlier than this. */
  startAfter?: Date;
  /** The workflow's limit of runs at once (settings.concurrency). */
  concurrency?: number | undefined;
  /**
   * Run it in this process right after the commit: the row is written as `running` with a lease and
   * gets no job. Should this process die, the lease lapses and a worker's lease sweep resumes it.
   */
  inline?: { leaseUntil: Date } | undefined;
}

export interface Accepted {
  executionId: string;
  /** false when the idempotency key named an existing run. */
  created: boolean;
  /** pending (running when run here), or skipped when the owner is out of credits (or what the earlier run reached). */
  status: string;
  /** A run to start in this process after the commit (the request asked for it and it was created). */
  claim?: ClaimRow;
  /** How the run started in this process ended (set by the intake after the commit). */
  ending?: Promise<RunEnding | undefined>;
}

/** Starts a run in this process, after its row was committed. */
export type InlineLauncher = (claim: ClaimRow) => Promise<RunEnding | undefined>;

/** A process that runs workflows starts the runs it takes in itself, held by a lease of this length. */
export interface RunHere {
  launch: InlineLauncher;
  leaseSeconds: number;
  /** Reads the plans of versions that are about to run (a schedule's next slot). */
  prepare?: (versionIds: readonly string[]) => void;
  /** Endings of runs wait while `firing` (a schedule slot) is written, at most `maxMs`. */
  holdEndings?: (firing: Promise<unknown>, maxMs: number) => void;
  /** Settles once every run launched here so far has started. */
  allStarted?: () => Promise<void>;
}

/** The request, marked to run in this process when it can (no concurrency limit, not delayed). */
export function toRunHere(request: RunRequest, here: RunHere | undefined): RunRequest {
  if (!here || request.concurrency || request.startAfter || request.inline) return request;
  return { ...request, inline: { leaseUntil: new Date(Date.now() + here.leaseSeconds * 1000) } };
}

export const CREDIT_LIMIT_REASON = 'credit limit reached: the owner has used all the credits of their plan';

export interface Row {
  id: string;
  workflow_id: string;
  idempotency_key: string | null;
  status: string;
}

/**
 * Writes runs and their jobs in the caller's transaction: one statement enqueues the jobs, one more
 * inserts every execution (credits checked and charged, counters on the workflow bumped, repeats of
 * an idempotency key dropped).
 */
export async function insertRuns(
  trx: Transaction<DB> | Kysely<DB>,
  queue: RunQueue,
  requests: readonly RunRequest[],
  creditCost: number,
): Promise<Accepted[]> {
  if (requests.length === 0) return [];
  return writePlan(trx, queue, planIntake(requests, creditCost));
}

/**
 * Writes runs in a transaction of their own when some need a job; runs that all start in this
 * process need none, and their one statement needs no transaction.
 */
export async function writeRuns(
  db: Kysely<DB>,
  queue: RunQueue,
  requests: readonly RunRequest[],
  creditCost: number,
): Promise<Accepted[]> {
  if (requests.length === 0) return [];
  const plan = planIntake(requests, creditCost);
  if (plan.jobs.length === 0) return writePlan(db, queue, plan);
  return db.transaction().execute((trx) => writePlan(trx, queue, plan));
}

async function writePlan(
  db: Transaction<DB> | Kysely<DB>,
  queue: RunQueue,
  plan: IntakePlan,
): Promise<Accepted[]> {
  await queue.enqueueRuns(db, plan.jobs);
  return settleIntake(db, plan, (await plan.statement.execute(db)).rows);
}

/** What one intake writes: the jobs first (none for runs that start here), then the runs. */
export interface IntakePlan {
  input: InputRow[];
  jobs: RunJobInsert[];
  statement: RawBuilder<Row>;
}

type InputRow = ReturnType<typeof inputRowsOf>[number];

function inputRowsOf(requests: readonly RunRequest[]) {
  return requests.map((r, ord) => ({
    ord,
    id: uuidv7(),
    workflow_id: r.workflowId,
    user_id: r.userId,
    workflow_version: r.version,
    version_id: r.versionId,
    mode: r.mode,
    trigger_data: r.triggerData ?? null,
    idempotency_key: r.idempotencyKey ?? null,
    retry_of: r.retryOf ?? null,
    metadata: r.metadata ?? {},
    lease_until: r.inline && !r.concurrency && !r.startAfter ? r.inline.leaseUntil.toISOString() : null,
  }));
}

export function planIntake(requests: readonly RunRequest[], creditCost: number): IntakePlan {
  const input = inputRowsOf(requests);
  // The jobs go first: the statement below locks the owners' and workflows' rows (credits and
  // counters), and the transaction should hold those locks as briefly as it can. A job whose run
  // turns out not to be made (a repeated idempotency key, no credits left) finds nothing to run.
  const jobs: RunJobInsert[] = input
    .filter((row) => !row.lease_until)
    .map((row) => {
      const request = requests[row.ord];
      return {
        executionId: row.id,
        ...(request?.startAfter ? { startAfter: request.startAfter } : {}),
        ...(request?.concurrency ? { concurrency: request.concurrency } : {}),
      };
    });
  // Users are locked in id order so concurrent batches never wait on each other in a circle; the
  // workflows' counters go to a shard (see run-counts.ts), not to their rows.
  const statement = sql<Row>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS x(
        ord int, id uuid, workflow_id uuid, user_id uuid, workflow_version int, version_id uuid,
        mode text, trigger_data jsonb, idempotency_key text, retry_of uuid, metadata jsonb,
        lease_until timestamptz)
    ), credit AS (
      SELECT u.id, u.credits_limit - u.credits_used AS remaining FROM users u
      WHERE u.id = ANY(${[...new Set(requests.map((r) => r.userId))]}::uuid[]) ORDER BY u.id FOR UPDATE
    ), ranked AS (
      SELECT i.*, (row_number() OVER (PARTITION BY i.user_id ORDER BY i.ord)) * ${creditCost}::int <= c.remaining AS ok
      FROM input i JOIN credit c ON c.id = i.user_id
    ), ins AS (
      INSERT INTO executions (id, workflow_id, user_id, workflow_version, version_id, status, mode,
        trigger_data, idempotency_key, retry_of, metadata, credits_used, error_message, completed_at,
        lease_until)
      SELECT id, workflow_id, user_id, workflow_version, version_id,
        CASE WHEN NOT ok THEN 'skipped' WHEN lease_until IS NOT NULL THEN 'running' ELSE 'pending' END,
        mode, trigger_data, idempotency_key, retry_of,
        metadata, CASE WHEN ok THEN ${creditCost}::int ELSE 0 END,
        CASE WHEN ok THEN NULL ELSE ${CREDIT_LIMIT_REASON} END, CASE WHEN ok THEN NULL ELSE now() END,
        CASE WHEN ok THEN lease_until END
      FROM ranked ORDER BY ord
      ON CONFLICT (workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id, workflow_id, user_id, idempotency_key, status, credits_used
    ), charge AS (
      UPDATE users u SET credits_used = u.credits_used + s.total
      FROM (SELECT user_id, sum(credits_used)::int AS total FROM ins GROUP BY user_id) s
      WHERE u.id = s.user_id AND s.total > 0
    ), counted AS (
      INSERT INTO workflow_run_counts AS c (workflow_id, shard, triggered_count, last_triggered_at)
      SELECT workflow_id, ${runCountShard()}::smallint, count(*), now() FROM ins
      GROUP BY workflow_id ORDER BY workflow_id
      ON CONFLICT (workflow_id, shard) DO UPDATE SET
        triggered_count = c.triggered_count + excluded.triggered_count, last_triggered_at = excluded.last_triggered_at
    )
    SELECT id, workflow_id, idempotency_key, status FROM ins`;
  return { input, jobs, statement };
}

/** What the intake answers once its statement ran: made, repeated (the earlier run), or skipped. */
export async function settleIntake(
  db: Transaction<DB> | Kysely<DB>,
  plan: IntakePlan,
  rows: readonly Row[],
): Promise<Accepted[]> {
  const { input } = plan;
  const created = new Map(rows.map((row) => [row.id, row]));
  const accepted: Accepted[] = input.map((row) => {
    const made = created.get(row.id);
    if (!made) return { executionId: '', created: false, status: '' };
    const result: Accepted = { executionId: row.id, created: true, status: made.status };
    if (made.status === 'running') {
      result.claim = {
        id: row.id,
        workflow_id: row.workflow_id,
        user_id: row.user_id,
        version_id: row.version_id,
        trigger_data: row.trigger_data,
        mode: row.mode,
        previous_status: 'pending',
      };
    }
    return result;
  });

  const repeats = input.filter((row) => !created.has(row.id));
  if (repeats.length > 0) {
    const existing = await db
      .selectFrom('executions')
      .select(['id', 'workflow_id', 'idempotency_key', 'status'])
      .where((eb) =>
        eb.or(
          repeats.map((r) =>
            eb.and([eb('workflow_id', '=', r.workflow_id), eb('idempotency_key', '=', r.idempotency_key)]),
          ),
        ),
      )
      .execute();
    const byKey = new Map(existing.map((e) => [`${e.workflow_id}\u0000${e.idempotency_key}`, e]));
    for (const row of repeats) {
      const found = byKey.get(`${row.workflow_id}\u0000${row.idempotency_key}`);
      if (found) accepted[row.ord] = { executionId: found.id, created: false, status: found.status };
    }
  }
  return accepted;
}

/** Starts the runs of `accepted` that were made to run here and keeps how each ends on it. */
export function launchInline(accepted: readonly Accepted[], here: RunHere | undefined): void {
  for (const a of accepted) {
    // Without a launcher the lease sweep takes them when their leases lapse.
    if (a.claim && here) a.ending = here.launch(a.claim);
  }
}

/**
 * Gathers runs that arrive while a write is in flight into the next write (group commit): at low
 * load each run is written at once, under load many share one transaction.
 */
export class IntakeBatcher {
  readonly #db: Kysely<DB>;
  readonly #queue: RunQueue;
  readonly #creditCost: number;
  readonly #here: RunHere | undefined;
  readonly #group: GroupCommit<RunRequest, Accepted>;

  readonly #pipelined: PipelinedIntake | undefined;

  constructor(
    db: Kysely<DB>,
    queue: RunQueue,
    creditCost: number,
    options: { here?: RunHere | undefined; pipelined?: PipelinedIntake | undefined; maxBatch?: number } = {},
  ) {
    this.#db = db;
    this.#queue = queue;
    this.#creditCost = creditCost;
    this.#here = options.here;
    this.#pipelined = options.pipelined;
    this.#group = new GroupCommit((requests) => this.#write(requests), options.maxBatch ?? 200);
  }

  async close(): Promise<void> {
    await this.#pipelined?.close();
  }

  accept(request: RunRequest): Promise<Accepted> {
    return this.#group.submit(toRunHere(request, this.#here));
  }

  async #write(requests: RunRequest[]): Promise<Accepted[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const accepted = this.#pipelined
          ? await this.#writePipelined(this.#pipelined, requests)
          : await writeRuns(this.#db, this.#queue, requests, this.#creditCost);
        launchInline(accepted, this.#here);
        // NOTIFY reaches other processes; this process's own workers are told directly.
        if (accepted.some((a) => a.created && a.status === 'pending')) this.#queue.wake();
        return accepted;
      } catch (error) {
        // Deadlock or serialization failure between intake processes: the whole batch is retried.
        const code = (error as { code?: string }).code;
        if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
        throw error;
      }
    }
  }

  async #writePipelined(pipelined: PipelinedIntake, requests: RunRequest[]): Promise<Accepted[]> {
    const plan = planIntake(requests, this.#creditCost);
    const rows = await pipelined.write(plan);
    return settleIntake(this.#db, plan, rows);
  }
}
