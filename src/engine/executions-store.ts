import { type Kysely, sql } from 'kysely';
import type { DB, ExecutionStatus } from '../db/types.ts';
import type { Engine } from './engine.ts';
import { type Accepted, insertRuns } from './intake.ts';

/** Owned-run reads and commands behind the executions API; every query is scoped by the owner. */

export interface ExecutionFilter {
  userId: string;
  workflowId?: string | undefined;
  status?: ExecutionStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const LIST_COLUMNS = [
  'e.id',
  'e.workflow_id',
  'e.workflow_version',
  'e.status',
  'e.mode',
  'e.error_message',
  'e.error_node_key',
  'e.total_steps',
  'e.completed_steps',
  'e.failed_steps',
  'e.credits_used',
  'e.retry_of',
  'e.started_at',
  'e.completed_at',
  'e.duration_ms',
  'e.created_at',
] as const;

export async function listExecutions(db: Kysely<DB>, filter: ExecutionFilter) {
  let query = db
    .selectFrom('executions as e')
    .select(LIST_COLUMNS)
    .where('e.user_id', '=', filter.userId)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.workflowId) query = query.where('e.workflow_id', '=', filter.workflowId);
  if (filter.status) query = query.where('e.status', '=', filter.status);
  if (filter.from) query = query.where('e.created_at', '>=', filter.from);
  if (filter.to) query = query.where('e.created_at', '<', filter.to);
  if (filter.cursor) {
    const cursor = filter.cursor;
    query = query.where(
      sql<boolean>`(e.created_at, e.id) < (SELECT c.created_at, c.id FROM executions c WHERE c.id = ${cursor} AND c.user_id = ${filter.userId})`,
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  return { rows: page, nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getExecution(db: Kysely<DB>, userId: string, id: string) {
  const execution = await db
    .selectFrom('executions as e')
    .select([...LIST_COLUMNS, 'e.trigger_data', 'e.output', 'e.metadata'])
    .where('e.id', '=', id)
    .where('e.user_id', '=', userId)
    .executeTakeFirst();
  if (!execution) return undefined;
  const [steps, logs] = await Promise.all([
    db
      .selectFrom('execution_steps')
      .select([
        'node_key',
        'status',
        'attempt_count',
        'input',
        'output',
        'error',
        'started_at',
        'finished_at',
        'duration_ms',
      ])
      .where('execution_id', '=', id)
      .orderBy('started_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('execution_logs')
      .select(['node_key', 'log_level', 'message', 'data', 'created_at'])
      .where('execution_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1000)
      .execute(),
  ]);
  return { execution, steps, logs };
}

/** Marks an unfinished run cancelled and tells the worker running it to abort. */
export async function cancelExecution(engine: Engine, db: Kysely<DB>, userId: string, id: string) {
  const row = await db
    .updateTable('executions')
    .set({ status: 'cancelled', completed_at: new Date(), error_message: 'cancelled' })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', 'in', ['pending', 'running', 'waiting'])
    .returning(['id'])
    .executeTakeFirst();
  if (row) {
    engine.bus.publishCancel(id);
    engine.bus.publishDone(id);
  }
  return row !== undefined;
}

export async function deleteExecution(engine: Engine, db: Kysely<DB>, userId: string, id: string) {
  const row = await db
    .deleteFrom('executions')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning(['id', 'status'])
    .executeTakeFirst();
  if (row && ['pending', 'running', 'waiting'].includes(row.status)) engine.bus.publishCancel(id);
  return row !== undefined;
}

/**
 * A new run of the same version with the same trigger data. `fromFailedStep` keeps the steps that
 * succeeded (copied into the new run, so they are not run again) and starts at the failed one.
 */
export async function retryExecution(
  engine: Engine,
  db: Kysely<DB>,
  userId: string,
  id: string,
  fromFailedStep: boolean,
): Promise<Accepted | 'not_found' | 'not_finished' | 'no_version'> {
  const original = await db
    .selectFrom('executions')
    .select(['id', 'workflow_id', 'user_id', 'version_id', 'workflow_version', 'trigger_data', 'status'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!original) return 'not_found';
  if (['pending', 'running', 'waiting'].includes(original.status)) return 'not_finished';
  if (!original.version_id || original.workflow_version === null) return 'no_version';
  const versionId = original.version_id;
  const version = original.workflow_version;
  await engine.queue.start();
  const result = await db.transaction().execute(async (trx) => {
    const [accepted] = await insertRuns(
      trx,
      engine.queue,
      [
        {
          workflowId: original.workflow_id,
          userId,
          versionId,
          version,
          mode: fromFailedStep ? 'rerun' : 'retry',
          triggerData: original.trigger_data,
          retryOf: original.id,
          idempotencyKey: undefined,
          metadata: fromFailedStep ? { rerunFrom: original.id } : {},
        },
      ],
      engine.creditCost,
    );
    if (!accepted) throw new Error('intake returned no result');
    if (fromFailedStep && accepted.status === 'pending') {
      await sql`
        INSERT INTO execution_steps (id, execution_id, node_key, status, attempt_count, input, output, error,
          started_at, finished_at, duration_ms)
        SELECT area_uuid_v7(), ${accepted.executionId}, node_key, status, attempt_count, input, output, error,
          started_at, finished_at, duration_ms
        FROM execution_steps WHERE execution_id = ${original.id} AND status = 'success'`.execute(trx);
    }
    return accepted;
  });
  engine.queue.wake();
  return result;
}
