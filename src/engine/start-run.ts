import type { Kysely } from 'kysely';
import type { DB, ExecutionMode } from '../db/types.ts';
import type { ActiveTrigger } from './active-triggers.ts';
import type { Engine } from './engine.ts';
import type { Accepted } from './intake.ts';
import type { RunEnding } from './runner.ts';

const FINISHED = new Set(['success', 'failed', 'cancelled', 'skipped']);

/** Records a run of the workflow's published version and queues it; resolves after the commit. */
export async function startRun(
  engine: Engine,
  active: ActiveTrigger,
  triggerData: unknown,
  options: {
    mode: ExecutionMode;
    idempotencyKey?: string | undefined;
    retryOf?: string;
    metadata?: Record<string, unknown>;
  },
): Promise<Accepted> {
  await engine.queue.start();
  return engine.intake.accept({
    workflowId: active.workflowId,
    userId: active.userId,
    versionId: active.versionId,
    version: active.version,
    mode: options.mode,
    triggerData,
    idempotencyKey: options.idempotencyKey,
    concurrency: active.settings?.concurrency,
    ...(options.retryOf ? { retryOf: options.retryOf } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

/** Where a run is: from its record, or straight from the runner when it ran in this process. */
export type RunResult = Omit<RunEnding, 'steps'> & { steps?: RunEnding['steps'] };

async function readResult(db: Kysely<DB>, executionId: string): Promise<RunResult | undefined> {
  const row = await db
    .selectFrom('executions')
    .select(['id', 'status', 'output', 'error_message', 'error_node_key'])
    .where('id', '=', executionId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    output: row.output,
    errorMessage: row.error_message,
    errorNodeKey: row.error_node_key,
    finished: FINISHED.has(row.status),
  };
}

/** Waits up to `ms` for the run to end and returns where it is (finished or not). */
export async function waitForRun(
  engine: Engine,
  db: Kysely<DB>,
  accepted: Accepted,
  ms: number,
): Promise<RunResult | undefined> {
  const deadline = Date.now() + ms;
  if (accepted.ending) {
    // Started in this process: its ending comes straight from the runner, no read needed.
    const ending = await withTimeout(accepted.ending, ms);
    if (ending?.finished) return ending;
    ms = Math.max(0, deadline - Date.now());
  }
  if (!FINISHED.has(accepted.status)) {
    await engine.bus.waitForDone(accepted.executionId, ms, async () => {
      const result = await readResult(db, accepted.executionId);
      return result?.finished ?? true;
    });
  }
  return readResult(db, accepted.executionId);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
