import { type Kysely, sql } from 'kysely';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { type ActiveTrigger, listActiveTriggers } from './active-triggers.ts';
import { insertRuns, launchInline, type RunHere, type RunRequest, toRunHere } from './intake.ts';
import type { RunQueue } from './queue.ts';

/** hook_states key holding the last slot a schedule fired (ISO time). */
export const LAST_SLOT_KEY = '__schedule:last_slot';
const BATCH = 500;
const CATCH_UP_SCAN_LIMIT = 100_000;

export interface SchedulerOptions {
  db: Kysely<DB>;
  queue: RunQueue;
  log: Logger;
  creditCost: number;
  /** When this process also runs workflows: fired runs start here at once. */
  here?: RunHere | undefined;
  /** Fire a slot missed while no scheduler ran once at start. */
  catchUp: boolean;
  catalog: () => Catalog | undefined;
  refreshMs?: number;
  tickMs?: number;
}

interface Entry {
  active: ActiveTrigger;
  next(after: Date): Date | null;
  toEvent(firedAt: Date): unknown;
  due: Date | null;
}

/**
 * Fires schedule triggers. Any number of schedulers may run: each slot becomes a run whose
 * idempotency key is `schedule:<slot time>`, and the unique index on (workflow, key) lets exactly
 * one of them through.
 */
export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  #timers: NodeJS.Timeout[] = [];
  #ticking: Promise<void> | undefined;
  #stopped = false;
  #firstLoad = true;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.refresh();
    this.#timers.push(
      setInterval(
        () => void this.refresh().catch((e) => this.#o.log.error({ err: e }, 'schedule refresh failed')),
        this.#o.refreshMs ?? 5_000,
      ),
      setInterval(() => void this.tick(), this.#o.tickMs ?? 200),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#ticking;
  }

  /** Reloads the active schedules: new ones get their next slot, paused ones go away. */
  async refresh(): Promise<void> {
    const catalog = this.#o.catalog();
    if (!catalog) return;
    const triggers = await listActiveTriggers(this.#o.db);
    const seen = new Set<string>();
    const fresh: Entry[] = [];
    for (const active of triggers) {
      const component = catalog.component(active.trigger.service, active.trigger.component);
      if (component?.kind !== 'trigger' || component.definition.mode !== 'schedule') continue;
      if (active.trigger.enabled === false) continue;
      seen.add(active.workflowId);
      const existing = this.#entries.get(active.workflowId);
      if (existing && existing.active.versionId === active.versionId) continue;
      const hooks = component.definition.schedule;
      const props = active.trigger.config;
      const entry: Entry = {
        active,
        next: (after) => hooks.next(props as never, after),
        toEvent: (firedAt) =>
          hooks.toEvent ? hooks.toEvent(props as never, firedAt) : { firedAt: firedAt.toISOString() },
        due: null,
      };
      try {
        entry.due = entry.next(new Date());
      } catch (error) {
        this.#o.log.warn({ err: error, workflowId: active.workflowId }, 'schedule has no next slot');
        continue;
      }
      this.#entries.set(active.workflowId, entry);
      fresh.push(entry);
    }
    for (const id of this.#entries.keys()) if (!seen.has(id)) this.#entries.delete(id);
    if (this.#firstLoad && this.#o.catchUp && fresh.length > 0) await this.#catchUp(fresh);
    this.#firstLoad = false;
  }

  /** Slots that came due while no scheduler ran: the latest of them fires once. */
  async #catchUp(entries: Entry[]): Promise<void> {
    const rows = await this.#o.db
      .selectFrom('hook_states')
      .select(['workflow_id', 'state_value'])
      .where('state_key', '=', LAST_SLOT_KEY)
      .where(
        'workflow_id',
        'in',
        entries.map((e) => e.active.workflowId),
      )
      .execute();
    const last = new Map(
      rows.map((r) => [r.workflow_id, r.state_value ? new Date(r.state_value) : undefined]),
    );
    const now = Date.now();
    const missed: { entry: Entry; slot: Date }[] = [];
    for (const entry of entries) {
      const from = last.get(entry.active.workflowId);
      if (!from || Number.isNaN(from.getTime())) continue;
      let slot: Date | null = entry.next(from);
      let latest: Date | undefined;
      for (let i = 0; slot && slot.getTime() <= now && i < CATCH_UP_SCAN_LIMIT; i++) {
        latest = slot;
        slot = entry.next(slot);
      }
      if (latest) missed.push({ entry, slot: latest });
    }
    if (missed.length > 0) {
      this.#o.log.info({ count: missed.length }, 'firing schedule slots missed while stopped');
      await this.#fire(missed);
    }
  }

  /** Fires every slot that is due now. */
  tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return this.#ticking ?? Promise.resolve();
    this.#ticking = (async () => {
      // Yield first, so the finally below runs after #ticking has been assigned.
      await Promise.resolve();
      try {
        const now = Date.now();
        const due: { entry: Entry; slot: Date }[] = [];
        for (const entry of this.#entries.values()) {
          if (entry.due && entry.due.getTime() <= now) due.push({ entry, slot: entry.due });
        }
        // Fired first, the next slots worked out after: the slot's runs start without waiting for that.
        for (const { entry } of due) entry.due = null;
        try {
          if (due.length > 0) await this.#fire(due);
        } finally {
          for (const { entry, slot } of due) {
            entry.due = entry.next(slot);
            // A slow process does not fire a backlog of slots: the next one is in the future.
            while (entry.due && entry.due.getTime() <= Date.now()) entry.due = entry.next(entry.due);
          }
        }
      } catch (error) {
        this.#o.log.error({ err: error }, 'schedule tick failed');
      } finally {
        this.#ticking = undefined;
      }
    })();
    return this.#ticking;
  }

  async #fire(slots: { entry: Entry; slot: Date }[]): Promise<void> {
    for (let i = 0; i < slots.length; i += BATCH) {
      const chunk = slots.slice(i, i + BATCH);
      const requests: RunRequest[] = chunk.map(({ entry, slot }) =>
        toRunHere(
          {
            workflowId: entry.active.workflowId,
            userId: entry.active.userId,
            versionId: entry.active.versionId,
            version: entry.active.version,
            mode: 'schedule',
            triggerData: entry.toEvent(slot),
            idempotencyKey: `schedule:${slot.toISOString()}`,
            concurrency: entry.active.settings?.concurrency,
            metadata: { slot: slot.toISOString() },
          },
          this.#o.here,
        ),
      );
      const states = chunk.map(({ entry, slot }) => ({ w: entry.active.workflowId, s: slot.toISOString() }));
      const accepted = await this.#o.db.transaction().execute(async (trx) => {
        const made = await insertRuns(
          trx,
          this.#o.queue,
          requests,
          this.#o.creditCost,
          this.#o.here?.fallbackJob ?? true,
        );
        await sql`
          INSERT INTO hook_states (workflow_id, state_key, state_value, last_checked_at)
          SELECT x.w, ${LAST_SLOT_KEY}, x.s, now() FROM jsonb_to_recordset(${JSON.stringify(states)}::jsonb) AS x(w uuid, s text)
          ON CONFLICT (workflow_id, state_key) DO UPDATE SET state_value = excluded.state_value,
            last_checked_at = excluded.last_checked_at
          WHERE hook_states.state_value IS NULL OR hook_states.state_value < excluded.state_value`.execute(
          trx,
        );
        return made;
      });
      launchInline(accepted, this.#o.here);
      this.#o.queue.wake();
    }
  }
}
