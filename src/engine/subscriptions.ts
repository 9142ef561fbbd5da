import type { Kysely } from 'kysely';
import type { StepLogger, TriggerContext } from '../catalog/context.ts';
import type { SubscriptionHooks } from '../catalog/define.ts';
import { createHookState } from '../catalog/hook-state.ts';
import { createLimitedFetch, type FetchLimits } from '../catalog/limited-fetch.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { type ActiveTrigger, listActiveTriggers } from './active-triggers.ts';
import type { ConnectionLoader } from './connection-loader.ts';
import { insertRuns } from './intake.ts';
import type { RunQueue } from './queue.ts';
import { clearTriggerError, showTriggerError } from './trigger-error.ts';

const MAX_BACKOFF_MS = 60 * 60_000;

export interface SubscriptionsOptions {
  db: Kysely<DB>;
  queue: RunQueue;
  log: Logger;
  creditCost: number;
  catalog: () => Catalog | undefined;
  publicUrl: string;
  /** Opens the trigger's connection; without it a trigger that names a connection starts without auth. */
  loadConnection?: ConnectionLoader;
  fetchLimits?: FetchLimits;
  /** How often the active workflows are read again (activations, pauses, new versions). */
  /** Every active workflow's trigger (shared by a process's readers); read directly when not given. */
  activeTriggers?: () => Promise<ActiveTrigger[]>;
  refreshMs?: number;
  /** The first wait after a failed start; it doubles with each failure in a row. */
  retryBaseMs?: number;
}

interface Entry {
  active: ActiveTrigger;
  hooks: SubscriptionHooks<unknown>;
  running: { stop(): Promise<void> } | undefined;
  starting: Promise<void> | undefined;
  /** Set when the workflow left the active set (or the service stops): nothing starts it again. */
  closing: boolean;
  /** Set once its subscription has stopped: a late event is refused, so the provider keeps it. */
  closed: boolean;
  abort: AbortController;
  failures: number;
  nextAt: number;
  /** An error may show on the workflow (a failure earlier, or before this process started). */
  errorShown: boolean;
}

/**
 * Keeps one live subscription per active workflow whose trigger has mode `subscription`: started on
 * activation, stopped on pause, deactivation, a new published version (then started again) and
 * shutdown. Each event becomes a run, committed before `emit` resolves, so the trigger acknowledges its
 * provider only for recorded events. A failing start backs off and shows on the workflow.
 */
export class Subscriptions {
  readonly #o: SubscriptionsOptions;
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: SubscriptionsOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    // Starts are not waited for: a provider that is slow to answer must not hold up the process.
    await this.#serial(() => this.#refresh());
    this.#timer = setInterval(
      () =>
        void this.#serial(() => this.#refresh()).catch((e) =>
          this.#o.log.error({ err: e }, 'subscription refresh failed'),
        ),
      this.#o.refreshMs ?? 5_000,
    );
  }

  /** Stops every subscription; events they are recording finish first. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#serial(async () => {
      await Promise.allSettled([...this.#entries.values()].map((entry) => this.#close(entry)));
      this.#entries.clear();
    });
  }

  /** The workflows with a live subscription (tests, status). */
  live(): string[] {
    return [...this.#entries.values()].filter((e) => e.running && !e.closing).map((e) => e.active.workflowId);
  }

  /**
   * Reads the active workflows, stops the subscriptions of those that left, and starts the ones due
   * (new, or past the back-off of a failed start); resolves once the starts under way are done.
   */
  async refresh(): Promise<void> {
    await this.#serial(() => this.#refresh());
    await Promise.allSettled([...this.#entries.values()].map((entry) => entry.starting));
  }

  // One refresh (or stop) at a time: two would start the same subscription twice.
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.catch(() => {}).then(work);
    this.#chain = next.then(() => {});
    return next;
  }

  // Does not wait for the starts it begins: a slow one must not hold up the next refresh.
  async #refresh(): Promise<void> {
    const catalog = this.#o.catalog();
    if (!catalog || this.#stopped) return;
    const wanted = new Map<string, { active: ActiveTrigger; hooks: SubscriptionHooks<unknown> }>();
    for (const active of await (this.#o.activeTriggers?.() ?? listActiveTriggers(this.#o.db))) {
      const component = catalog.component(active.trigger.service, active.trigger.component);
      if (component?.kind !== 'trigger' || component.definition.mode !== 'subscription') continue;
      if (active.trigger.enabled === false) continue;
      wanted.set(active.workflowId, {
        active,
        hooks: component.definition.subscription as SubscriptionHooks<unknown>,
      });
    }
    const leaving: Entry[] = [];
    for (const [id, entry] of this.#entries) {
      if (wanted.get(id)?.active.versionId === entry.active.versionId) continue;
      leaving.push(entry);
      this.#entries.delete(id);
    }
    await Promise.allSettled(leaving.map((entry) => this.#close(entry)));

    for (const [id, { active, hooks }] of wanted) {
      if (this.#entries.has(id)) continue;
      this.#entries.set(id, {
        active,
        hooks,
        running: undefined,
        starting: undefined,
        closing: false,
        closed: false,
        abort: new AbortController(),
        failures: 0,
        nextAt: 0,
        errorShown: true,
      });
    }
    const now = Date.now();
    for (const entry of this.#entries.values()) {
      if (entry.running || entry.starting || entry.closing || entry.nextAt > now) continue;
      entry.starting = this.#start(entry).finally(() => {
        entry.starting = undefined;
      });
    }
  }

  async #start(entry: Entry): Promise<void> {
    const { active } = entry;
    try {
      const opened =
        active.trigger.connection && this.#o.loadConnection
          ? await this.#o.loadConnection(active.userId, active.trigger.connection)
          : undefined;
      const ctx: TriggerContext<unknown> & {
        emit(event: unknown, idempotencyKey?: string): Promise<void>;
      } = {
        props: active.trigger.config,
        auth: opened?.auth,
        ...(opened ? { connection: opened.connection } : {}),
        state: createHookState(this.#o.db, active.workflowId, active.trigger.key),
        log: this.#stepLog(active),
        signal: entry.abort.signal,
        http: createLimitedFetch(
          this.#o.fetchLimits ?? { timeoutMs: 30_000, maxBytes: 10 * 1024 * 1024 },
          entry.abort.signal,
        ),
        workflow: { id: active.workflowId, userId: active.userId },
        node: { key: active.trigger.key },
        publicUrl: this.#o.publicUrl,
        emit: (event, idempotencyKey) => this.#emit(entry, event, idempotencyKey),
      };
      const running = await entry.hooks.start(ctx);
      if (entry.closing) {
        await running.stop();
        return;
      }
      entry.running = running;
      entry.failures = 0;
      if (entry.errorShown) {
        await clearTriggerError(this.#o.db, active.workflowId);
        entry.errorShown = false;
      }
    } catch (error) {
      if (!entry.closing) await this.#failed(entry, error);
    }
  }

  async #emit(entry: Entry, event: unknown, idempotencyKey: string | undefined): Promise<void> {
    if (entry.closed) throw new Error('the subscription is stopped; the event was not recorded');
    const { active } = entry;
    await this.#o.db.transaction().execute((trx) =>
      insertRuns(
        trx,
        this.#o.queue,
        [
          {
            workflowId: active.workflowId,
            userId: active.userId,
            versionId: active.versionId,
            version: active.version,
            mode: 'subscription',
            triggerData: event,
            idempotencyKey,
            concurrency: active.settings?.concurrency,
          },
        ],
        this.#o.creditCost,
      ),
    );
    this.#o.queue.wake();
  }

  /** Stops one subscription: its in-flight start finishes first, then the hook's own stop. */
  async #close(entry: Entry): Promise<void> {
    entry.closing = true;
    entry.abort.abort();
    await entry.starting;
    const running = entry.running;
    entry.running = undefined;
    try {
      await running?.stop();
    } catch (error) {
      this.#o.log.warn({ workflowId: entry.active.workflowId, err: error }, 'subscription stop failed');
    } finally {
      entry.closed = true;
    }
  }

  /** Backs the start off and shows why on the workflow. */
  async #failed(entry: Entry, error: unknown): Promise<void> {
    const { active } = entry;
    entry.failures++;
    entry.errorShown = true;
    const backoff = Math.min((this.#o.retryBaseMs ?? 5_000) * 2 ** (entry.failures - 1), MAX_BACKOFF_MS);
    entry.nextAt = Date.now() + backoff;
    await showTriggerError(this.#o.db, active.workflowId, 'subscription', entry.failures, backoff, error);
    this.#o.log.warn({ workflowId: active.workflowId, err: error }, 'subscription start failed');
  }

  #stepLog(active: ActiveTrigger): StepLogger {
    const log = this.#o.log;
    const base = { workflowId: active.workflowId, node: active.trigger.key };
    return {
      debug: (message, data) => log.debug({ ...base, ...data }, message),
      info: (message, data) => log.info({ ...base, ...data }, message),
      warn: (message, data) => log.warn({ ...base, ...data }, message),
      error: (message, data) => log.error({ ...base, ...data }, message),
    };
  }
}
