import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, ExecutionMode } from '../db/types.ts';
import { uuidv7 } from '../lib/uuid.ts';
import type { RunQueue } from './queue.ts';

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
}

export interface Accepted {
  executionId: string;
  /** false when the idempotency key named an existing run. */
  created: boolean;
  /** pending, or skipped when the owner is out of credits (or what the earlier run reached). */
  status: string;
}

export const CREDIT_LIMIT_REASON = 'credit limit reached: the owner has used all the credits of their plan';

interface Row {
  id: string;
  workflow_id: string;
  idempotency_key: string | null;
  status: string;
}

/**
 * Writes runs and their jobs in the caller's transaction: one statement inserts every execution
 * (credits checked and charged, counters on the workflow bumped, repeats of an idempotency key
 * dropped), one more enqueues the jobs of those that will run.
 */
export async function insertRuns(
  trx: Transaction<DB>,
  queue: RunQueue,
  requests: readonly RunRequest[],
  creditCost: number,
): Promise<Accepted[]> {
  if (requests.length === 0) return [];
  const input = requests.map((r, ord) => ({
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
  }));
  // Users are locked in id order so concurrent batches never wait on each other in a circle.
  const result = await sql<Row>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS x(
        ord int, id uuid, workflow_id uuid, user_id uuid, workflow_version int, version_id uuid,
        mode text, trigger_data jsonb, idempotency_key text, retry_of uuid, metadata jsonb)
    ), credit AS (
      SELECT u.id, u.credits_limit - u.credits_used AS remaining FROM users u
      WHERE u.id IN (SELECT user_id FROM input) ORDER BY u.id FOR UPDATE
    ), ranked AS (
      SELECT i.*, (row_number() OVER (PARTITION BY i.user_id ORDER BY i.ord)) * ${creditCost}::int <= c.remaining AS ok
      FROM input i JOIN credit c ON c.id = i.user_id
    ), ins AS (
      INSERT INTO executions (id, workflow_id, user_id, workflow_version, version_id, status, mode,
        trigger_data, idempotency_key, retry_of, metadata, credits_used, error_message, completed_at)
      SELECT id, workflow_id, user_id, workflow_version, version_id,
        CASE WHEN ok THEN 'pending' ELSE 'skipped' END, mode, trigger_data, idempotency_key, retry_of,
        metadata, CASE WHEN ok THEN ${creditCost}::int ELSE 0 END,
        CASE WHEN ok THEN NULL ELSE ${CREDIT_LIMIT_REASON} END, CASE WHEN ok THEN NULL ELSE now() END
      FROM ranked ORDER BY ord
      ON CONFLICT (workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id, workflow_id, user_id, idempotency_key, status, credits_used
    ), charge AS (
      UPDATE users u SET credits_used = u.credits_used + s.total
      FROM (SELECT user_id, sum(credits_used)::int AS total FROM ins GROUP BY user_id) s
      WHERE u.id = s.user_id AND s.total > 0
    ), counted AS (
      UPDATE workflows w SET triggered_count = w.triggered_count + s.n, last_triggered_at = now()
      FROM (SELECT workflow_id, count(*)::int AS n FROM ins GROUP BY workflow_id) s
      WHERE w.id = s.workflow_id
    )
    SELECT id, workflow_id, idempotency_key, status FROM ins`.execute(trx);

  const created = new Map(result.rows.map((row) => [row.id, row]));
  const accepted: Accepted[] = input.map((row) => {
    const made = created.get(row.id);
    return made
      ? { executionId: row.id, created: true, status: made.status }
      : { executionId: '', created: false, status: '' };
  });

  const repeats = input.filter((row) => !created.has(row.id));
  if (repeats.length > 0) {
    const existing = await trx
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

  const jobs = input
    .filter((row) => created.get(row.id)?.status === 'pending')
    .map((row) => {
      const request = requests[row.ord];
      return {
        executionId: row.id,
        ...(request?.startAfter ? { startAfter: request.startAfter } : {}),
        ...(request?.concurrency ? { concurrency: request.concurrency } : {}),
      };
    });
  await queue.enqueueRuns(trx, jobs);
  return accepted;
}

/** One run in its own transaction. */
export function acceptRun(
  db: Kysely<DB>,
  queue: RunQueue,
  request: RunRequest,
  creditCost: number,
): Promise<Accepted> {
  return db.transaction().execute(async (trx) => {
    const [accepted] = await insertRuns(trx, queue, [request], creditCost);
    if (!accepted) throw new Error('intake returned no result');
    return accepted;
  });
}

/**
 * Gathers runs that arrive while a write is in flight into the next write: at low load each run
 * is written at once, under load many share one transaction (one commit, two statements).
 */
export class IntakeBatcher {
  readonly #db: Kysely<DB>;
  readonly #queue: RunQueue;
  readonly #creditCost: number;
  readonly #maxBatch: number;
  #waiting: { request: RunRequest; resolve: (a: Accepted) => void; reject: (e: unknown) => void }[] = [];
  #flushing = false;

  constructor(db: Kysely<DB>, queue: RunQueue, creditCost: number, maxBatch = 200) {
    this.#db = db;
    this.#queue = queue;
    this.#creditCost = creditCost;
    this.#maxBatch = maxBatch;
  }

  accept(request: RunRequest): Promise<Accepted> {
    const { promise, resolve, reject } = Promise.withResolvers<Accepted>();
    this.#waiting.push({ request, resolve, reject });
    if (!this.#flushing) void this.#flush();
    return promise;
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.#maxBatch);
        try {
          const results = await this.#write(batch.map((b) => b.request));
          batch.forEach((b, i) => {
            const result = results[i];
            if (result) b.resolve(result);
            else b.reject(new Error('intake lost a run'));
          });
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #write(requests: RunRequest[]): Promise<Accepted[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const accepted = await this.#db
          .transaction()
          .execute((trx) => insertRuns(trx, this.#queue, requests, this.#creditCost));
        // NOTIFY reaches other processes; this process's own workers are told directly.
        this.#queue.wake();
        return accepted;
      } catch (error) {
        // Deadlock or serialization failure between intake processes: the whole batch is retried.
        const code = (error as { code?: string }).code;
        if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
        throw error;
      }
    }
  }
}
