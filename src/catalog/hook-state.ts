import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { HookState } from './context.ts';

/**
 * Hook state of one node of one workflow, in hook_states under `<nodeKey>:<key>` as JSON text.
 * It survives restarts and republishing (the workflow id and node key stay the same).
 */
export function createHookState(
  db: Kysely<DB> | Transaction<DB>,
  workflowId: string,
  nodeKey: string,
): HookState {
  const keyOf = (key: string) => `${nodeKey}:${key}`;
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const row = await db
        .selectFrom('hook_states')
        .select('state_value')
        .where('workflow_id', '=', workflowId)
        .where('state_key', '=', keyOf(key))
        .executeTakeFirst();
      return row?.state_value == null ? undefined : (JSON.parse(row.state_value) as T);
    },
    async set(key: string, value: unknown): Promise<void> {
      const text = JSON.stringify(value ?? null);
      await db
        .insertInto('hook_states')
        .values({
          workflow_id: workflowId,
          state_key: keyOf(key),
          state_value: text,
          last_checked_at: new Date(),
        })
        .onConflict((oc) =>
          oc
            .columns(['workflow_id', 'state_key'])
            .doUpdateSet({ state_value: text, last_checked_at: new Date() }),
        )
        .execute();
    },
    async delete(key: string): Promise<void> {
      await db
        .deleteFrom('hook_states')
        .where('workflow_id', '=', workflowId)
        .where('state_key', '=', keyOf(key))
        .execute();
    },
  };
}
