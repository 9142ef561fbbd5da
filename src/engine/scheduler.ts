import { type Kysely, sql } from 'kysely';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { type ActiveTrigger, listActiveTriggers } from './active-triggers.ts';
import { launchInline, type RunHere, type RunRequest, toRunHere, writeRuns } from './intake.ts';
import type { RunQueue } from './queue.ts';

/** hook_states key holding the last slot a schedule fired (ISO time). */
export const LAST_SLOT_KEY = '__schedule:last_slot';
const BATCH = 500;
/** The plans of runs due this soon are read ahead, so that a slot's runs start without reading them. */
const PREPARE_AHEAD_MS = 5_000;
/** Endings of runs wait at most this long for a slot's runs to be written. */
const HOLD_ENDINGS_MAX_MS = 3_000;
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
  /** Every active workflow's trigger (shared by a process's readers); read directly when not given. */
  activeTriggers?: () => Promise<ActiveTrigger[]>;
  refreshMs?: number;
  tickMs?: number;
}

interface Entry {
  active: ActiveTrigger;
  next(after: Date): Date | null;
  toEvent(firedAt: Date): unknown;
  due: Date | null;
  /** The slot whose plan was read ahead. */
  prepared?: number;
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
    const triggers = await (this.#o.activeTriggers?.() ?? listActiveTriggers(this.#o.db));
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
        const soon: string[] = [];
        for (const entry of this.#entries.values()) {
          const at = entry.due?.getTime();
          if (at === undefined) continue;
          if (at <= now) due.push({ entry, slot: entry.due as Date });
          else if (at <= now + PREPARE_AHEAD_MS && entry.prepared !== at) {
            entry.prepared = at;
            soon.push(entry.active.versionId);
          }
        }
        if (soon.length > 0) this.#o.here?.prepare?.(soon);
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
    const here = this.#o.here;
    // A slot of many runs has the database (and, embedded, the thread) first: endings of runs are
    // written once the slot's runs are in and started here.
    const firing = this.#insert(slots).then(() => here?.allStarted?.());
    if (slots.length > BATCH) here?.holdEndings?.(firing, HOLD_ENDINGS_MAX_MS);
    await firing;
    // Which slot each schedule fired last, for the catch-up after a stop: written once the slot's runs
    // started, off their path. Should this process die before, the catch-up fires that slot again and
    // its idempotency key makes no second run.
    try {
      await this.#recordSlots(slots);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'last fired schedule slots not recorded');
    }
  }

  async #insert(slots: { entry: Entry; slot: Date }[]): Promise<void> {
    const here = this.#o.here;
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
          here,
        ),
      );
      const accepted = await writeRuns(this.#o.db, this.#o.queue, requests, this.#o.creditCost);
      launchInline(accepted, here);
      this.#o.queue.wake();
      // The runs just launched read their versions and start before the next batch is written; on the
      // embedded database (one connection) they would otherwise wait for every batch of the slot.
      if (i + BATCH < slots.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async #recordSlots(slots: { entry: Entry; slot: Date }[]): Promise<void> {
    const states = slots.map(({ entry, slot }) => ({ w: entry.active.workflowId, s: slot.toISOString() }));
    await sql`
      INSERT INTO hook_states (workflow_id, state_key, state_value, last_checked_at)
      SELECT x.w, ${LAST_SLOT_KEY}, x.s, now() FROM jsonb_to_recordset(${JSON.stringify(states)}::jsonb) AS x(w uuid, s text)
      ORDER BY x.w
      ON CONFLICT (workflow_id, state_key) DO UPDATE SET state_value = excluded.state_value,
        last_checked_at = excluded.last_checked_at
      WHERE hook_states.state_value IS NULL OR hook_states.state_value < excluded.state_value`.execute(
      this.#o.db,
    );
  }
}
