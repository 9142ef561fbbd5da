import { createUser } from '../../accounts/users.ts';
import type { TriggerDefinition } from '../../catalog/define.ts';
import { createHookState } from '../../catalog/hook-state.ts';
import type { Props } from '../../catalog/props.ts';
import { runPoll } from '../../catalog/run-poll.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db.ts';
import { type ContextOptions, triggerContext } from './component-context.ts';

export interface PollHarness {
  db: TestDatabase;
  workflowId: string;
  /** Every item fired so far, with its idempotency key, in firing order. */
  fired: { item: unknown; idempotencyKey: string }[];
  /**
   * One poll through the framework's runner with a freshly built context, as a new process would
   * after a restart: all memory of earlier polls comes from hook_states.
   */
  poll(props: Record<string, unknown>, options?: ContextOptions): Promise<{ polled: number; fired: number }>;
  close(): Promise<void>;
}

let counter = 0;

/** A database with one user and one workflow, to run a polling trigger the way the scheduler does. */
export async function createPollHarness(trigger: TriggerDefinition<Props, unknown>): Promise<PollHarness> {
  if (trigger.mode !== 'polling') throw new Error(`${trigger.key} is not a polling trigger`);
  const polling = trigger.polling;
  const db = await createTestDatabase();
  counter += 1;
  const user = await createUser(db.db, {
    email: `poller${counter}-${Date.now()}@example.com`,
    name: 'Poller',
    firstIsAdmin: false,
  });
  const workflow = await db.db
    .insertInto('workflows')
    .values({ user_id: user.id, name: `poll ${trigger.key}`, configuration: JSON.stringify({}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const fired: PollHarness['fired'] = [];
  return {
    db,
    workflowId: workflow.id,
    fired,
    async poll(props, options = {}) {
      const ctx = triggerContext(props, {
        ...options,
        state: createHookState(db.db, workflow.id, 'trigger'),
        workflow: { id: workflow.id, userId: user.id },
      });
      return runPoll({
        db: db.db,
        polling,
        ctx,
        onNewItems: async (_trx, items) => {
          fired.push(...items);
        },
      });
    },
    close: () => db.close(),
  };
}
