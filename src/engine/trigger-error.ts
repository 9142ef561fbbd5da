import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

/**
 * What a failing background trigger (a poll, a subscription) shows on its workflow, and how it is
 * cleared once the trigger works again. Both write `workflows.trigger_error`; failures to write it are
 * not the trigger's problem and are ignored.
 */
export async function showTriggerError(
  db: Kysely<DB>,
  workflowId: string,
  what: string,
  failures: number,
  backoffMs: number,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const text = `${what} failed (${failures}x, next try in ${Math.round(backoffMs / 1000)} s): ${message}`;
  await db
    .updateTable('workflows')
    .set({ trigger_error: text.slice(0, 2000) })
    .where('id', '=', workflowId)
    .execute()
    .catch(() => {});
}

export async function clearTriggerError(db: Kysely<DB>, workflowId: string): Promise<void> {
  await db
    .updateTable('workflows')
    .set({ trigger_error: null })
    .where('id', '=', workflowId)
    .where('trigger_error', 'is not', null)
    .execute();
}
