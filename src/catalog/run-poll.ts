import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { TriggerContext } from './context.ts';
import type { Dedupe, PollCursor, PollingHooks } from './define.ts';

/** How many ids by-id dedupe remembers; older ones fall off (providers list recent items first). */
const SEEN_LIMIT = 2000;
const DEDUPE_KEY = '__dedupe';

interface DedupeState {
  seenIds: string[];
  lastTimestamp?: number;
}

export interface NewItem<I = unknown> {
  item: I;
  /** Stable per item: use as the execution's idempotency key so a delivery can never run twice. */
  idempotencyKey: string;
}

function toMillis(value: string | number | Date): number {
  return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
}

function idOf<I>(dedupe: Dedupe<I>, item: I): string {
  if (dedupe.by === 'id') return dedupe.id(item);
  return dedupe.id ? dedupe.id(item) : String(toMillis(dedupe.timestamp(item)));
}

/** Splits polled items into the never-seen ones and the state to store after firing them. */
export function selectNewItems<I>(
  dedupe: Dedupe<I>,
  state: DedupeState | undefined,
  items: readonly I[],
): { fresh: I[]; next: DedupeState } {
  const seen = new Set(state?.seenIds ?? []);
  if (dedupe.by === 'id') {
    const fresh: I[] = [];
    for (const item of items) {
      const id = idOf(dedupe, item);
      if (seen.has(id)) continue;
      seen.add(id);
      fresh.push(item);
    }
    const seenIds = [...(state?.seenIds ?? []), ...fresh.map((i) => idOf(dedupe, i))].slice(-SEEN_LIMIT);
    return { fresh, next: { seenIds } };
  }
  const last = state?.lastTimestamp ?? Number.NEGATIVE_INFINITY;
  const sorted = [...items].sort((a, b) => toMillis(dedupe.timestamp(a)) - toMillis(dedupe.timestamp(b)));
  const fresh = sorted.filter((item) => {
    const ts = toMillis(dedupe.timestamp(item));
    return ts > last || (ts === last && !seen.has(idOf(dedupe, item)));
  });
  const max = Math.max(last, ...sorted.map((i) => toMillis(dedupe.timestamp(i))));
  // Items that share the newest timestamp are remembered by id, so a later one with the same time still fires.
  const atMax = sorted.filter((i) => toMillis(dedupe.timestamp(i)) === max).map((i) => idOf(dedupe, i));
  const keep = max === last ? [...(state?.seenIds ?? []), ...atMax] : atMax;
  return {
    fresh,
    next: {
      seenIds: [...new Set(keep)].slice(-SEEN_LIMIT),
      ...(Number.isFinite(max) ? { lastTimestamp: max } : {}),
    },
  };
}

export interface RunPollOptions<P> {
  db: Kysely<DB>;
  polling: PollingHooks<P, unknown>;
  /** The context of the poll; `cursor` is added here. */
  ctx: TriggerContext<P>;
  /**
   * Called inside the transaction that records the new dedupe state, with the items never fired before.
   * Insert the executions and enqueue their jobs with `trx`: either all of it commits or none does, so an
   * item fires exactly once even across crashes and concurrent pollers.
   */
  onNewItems(trx: Transaction<DB>, items: NewItem[]): Promise<void>;
}

/** One poll of a polling trigger: fetch, dedupe against hook_states, fire the new items. */
export async function runPoll<P>(options: RunPollOptions<P>): Promise<{ polled: number; fired: number }> {
  const { db, polling, ctx } = options;
  const workflowId = ctx.workflow.id;
  const stateKey = `${ctx.node.key}:${DEDUPE_KEY}`;
  const before = await readState(db, workflowId, stateKey);
  const cursor: PollCursor = {
    seenIds: before?.seenIds ?? [],
    lastTimestamp: before?.lastTimestamp,
    firstPoll: before === undefined,
  };
  const items = await polling.poll({ ...ctx, cursor });

  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('hook_states')
      .values({ workflow_id: workflowId, state_key: stateKey, state_value: null })
      .onConflict((oc) => oc.columns(['workflow_id', 'state_key']).doNothing())
      .execute();
    // The row lock makes concurrent polls of one trigger take turns; the second sees the first's state.
    const locked = await sql<{ state_value: string | null }>`
      SELECT state_value FROM hook_states WHERE workflow_id = ${workflowId} AND state_key = ${stateKey} FOR UPDATE`.execute(
      trx,
    );
    const raw = locked.rows[0]?.state_value;
    const current = raw ? (JSON.parse(raw) as DedupeState) : undefined;
    const { fresh, next } = selectNewItems(polling.dedupe, current, items);
    const firing = current === undefined && (polling.firstRun ?? 'skip') === 'skip' ? [] : fresh;
    if (firing.length > 0) {
      await options.onNewItems(
        trx,
        firing.map((item) => ({
          item,
          idempotencyKey: `poll:${workflowId}:${ctx.node.key}:${idOf(polling.dedupe, item)}`,
        })),
      );
    }
    await trx
      .updateTable('hook_states')
      .set({ state_value: JSON.stringify(next), last_checked_at: new Date() })
      .where('workflow_id', '=', workflowId)
      .where('state_key', '=', stateKey)
      .execute();
    return { polled: items.length, fired: firing.length };
  });
}

async function readState(
  db: Kysely<DB>,
  workflowId: string,
  stateKey: string,
): Promise<DedupeState | undefined> {
  const row = await db
    .selectFrom('hook_states')
    .select('state_value')
    .where('workflow_id', '=', workflowId)
    .where('state_key', '=', stateKey)
    .executeTakeFirst();
  return row?.state_value ? (JSON.parse(row.state_value) as DedupeState) : undefined;
}
