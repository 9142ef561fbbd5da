import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { readDraftDefinition } from '../workflows/graph-store.ts';
import { redact } from './redact.ts';

/** A workflow of the caller, for the model to explain (404 for anyone else's). */
export async function workflowContext(
  db: Kysely<DB>,
  userId: string,
  workflowId: string,
): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('workflows')
    .select(['id', 'name', 'status', 'version'])
    .where('id', '=', workflowId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Workflow');
  const definition = await readDraftDefinition(db, row.id);
  return {
    workflow: {
      id: row.id,
      name: row.name,
      status: row.status,
      version: row.version,
      definition: redact(definition),
    },
  };
}

/** A run of the caller with its steps and error logs, redacted, for the model to diagnose. */
export async function runContext(
  db: Kysely<DB>,
  userId: string,
  executionId: string,
): Promise<Record<string, unknown>> {
  const run = await db
    .selectFrom('executions')
    .select([
      'id',
      'workflow_id',
      'status',
      'error_message',
      'error_node_key',
      'trigger_data',
      'started_at',
      'completed_at',
      'duration_ms',
      'workflow_version',
    ])
    .where('id', '=', executionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!run) throw AppError.notFound('Execution');
  const steps = await db
    .selectFrom('execution_steps')
    .select(['node_key', 'status', 'attempt_count', 'input', 'output', 'error', 'duration_ms'])
    .where('execution_id', '=', run.id)
    .orderBy('created_at')
    .limit(100)
    .execute();
  const logs = await db
    .selectFrom('execution_logs')
    .select(['node_key', 'log_level', 'message'])
    .where('execution_id', '=', run.id)
    .where('log_level', 'in', ['warn', 'error'])
    .orderBy('created_at')
    .limit(30)
    .execute();
  const workflow = await workflowContext(db, userId, run.workflow_id).catch(() => ({}));
  return {
    ...workflow,
    run: redact({
      id: run.id,
      status: run.status,
      errorMessage: run.error_message,
      errorNode: run.error_node_key,
      triggerData: run.trigger_data,
      durationMs: run.duration_ms,
      workflowVersion: run.workflow_version,
      steps: steps.map((s) => ({
        node: s.node_key,
        status: s.status,
        attempts: s.attempt_count,
        input: s.input,
        output: s.output,
        error: s.error,
        durationMs: s.duration_ms,
      })),
      logs: logs.map((l) => ({ node: l.node_key, level: l.log_level, message: l.message })),
    }),
  };
}

/** The user's connections as the model may see them: id, name and service, never credentials. */
export async function connectionList(
  db: Kysely<DB>,
  userId: string,
): Promise<{ id: string; name: string; service: string }[]> {
  const rows = await db
    .selectFrom('connections')
    .innerJoin('services', 'services.id', 'connections.service_id')
    .select(['connections.id', 'connections.name', 'services.key as service'])
    .where('connections.user_id', '=', userId)
    .where('connections.deleted_at', 'is', null)
    .orderBy('connections.created_at')
    .limit(100)
    .execute();
  return rows;
}
