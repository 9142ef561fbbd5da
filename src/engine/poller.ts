import type { Kysely } from 'kysely';
import type { StepLogger, TriggerContext } from '../catalog/context.ts';
import type { PollingHooks } from '../catalog/define.ts';
import { createHookState } from '../catalog/hook-state.ts';
import { createLimitedFetch, type FetchLimits } from '../catalog/limited-fetch.ts';
import type { Catalog } from '../catalog/registry.ts';
import { runPoll } from '../catalog/run-poll.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { type ActiveTrigger, listActiveTriggers } from './active-triggers.ts';
import type { ConnectionLoader } from './connection-loader.ts';
import { insertRuns } from './intake.ts';
import type { RunQueue } from './queue.ts';
import { clearTriggerError, showTriggerError } from './trigger-error.ts';

const MAX_BACKOFF_MS = 60 * 60_000;
const PARALLEL_POLLS = 5;

export interface PollerOptions {
  db: Kysely<DB>;
  queue: RunQueue;
  log: Logger;
  creditCost: number;
  catalog: () => Catalog | undefined;
  stopping: AbortSignal;
  publicUrl: string;
  /** Opens the trigger's connection; without it a trigger that names a connection cannot poll. */
  loadConnection?: ConnectionLoader;
  fetchLimits?: FetchLimits;
  /** Every active workflow's trigger (shared by a process's readers); read directly when not given. */
  activeTriggers?: () => Promise<ActiveTrigger[]>;
  refreshMs?: number;
  tickMs?: number;
}

interface Entry {
  active: ActiveTrigger;
  hooks: PollingHooks<unknown, unknown>;
  intervalMs: number;
  nextAt: number;
  failures: number;
  /** An error may show on the workflow (a failure earlier, or before this process started). */
  errorShown: boolean;
  busy: boolean;
}

const quietLog: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Polls the active polling triggers, each every N seconds (the node's `pollIntervalSeconds`, never
 * below the service's own interval). New items (hook_states dedupe) become one run each, in the
 * transaction that records them as seen. A failing poll backs off and shows on the workflow.
 */
export class Poller {
  readonly #o: PollerOptions;
  readonly #entries = new Map<string, Entry>();
  #timers: NodeJS.Timeout[] = [];
  #inFlight = new Set<Promise<void>>();

  constructor(options: PollerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timers.push(
      setInterval(
        () => void this.refresh().catch((e) => this.#o.log.error({ err: e }, 'poll refresh failed')),
        this.#o.refreshMs ?? 5_000,
      ),
      setInterval(() => this.tick(), this.#o.tickMs ?? 500),
    );
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await Promise.allSettled([...this.#inFlight]);
  }

  async refresh(): Promise<void> {
    const catalog = this.#o.catalog();
    if (!catalog) return;
    const seen = new Set<string>();
    for (const active of await (this.#o.activeTriggers?.() ?? listActiveTriggers(this.#o.db))) {
      const component = catalog.component(active.trigger.service, active.trigger.component);
      if (component?.kind !== 'trigger' || component.definition.mode !== 'polling') continue;
      if (active.trigger.enabled === false) continue;
      seen.add(active.workflowId);
      const existing = this.#entries.get(active.workflowId);
      if (existing && existing.active.versionId === active.versionId) continue;
      const hooks = component.definition.polling as PollingHooks<unknown, unknown>;
      const asked = Number(active.trigger.config['pollIntervalSeconds'] ?? hooks.intervalSeconds);
      const seconds = Math.max(hooks.intervalSeconds, Number.isFinite(asked) ? asked : hooks.intervalSeconds);
      this.#entries.set(active.workflowId, {
        active,
        hooks,
        intervalMs: seconds * 1000,
        nextAt: Date.now(),
        failures: 0,
        errorShown: true,
        busy: false,
      });
    }
    for (const id of this.#entries.keys()) if (!seen.has(id)) this.#entries.delete(id);
  }

  tick(): void {
    const now = Date.now();
    for (const entry of this.#entries.values()) {
      if (this.#inFlight.size >= PARALLEL_POLLS) return;
      if (entry.busy || entry.nextAt > now) continue;
      entry.busy = true;
      const poll = this.#poll(entry).finally(() => {
        entry.busy = false;
        this.#inFlight.delete(poll);
      });
      this.#inFlight.add(poll);
    }
  }

  /** Polls one trigger now (tests, "poll now" in the app). */
  async pollNow(workflowId: string): Promise<void> {
    const entry = this.#entries.get(workflowId);
    if (entry) await this.#poll(entry);
  }

  async #poll(entry: Entry): Promise<void> {
    const { active } = entry;
    let opened: Awaited<ReturnType<ConnectionLoader>> | undefined;
    if (active.trigger.connection && this.#o.loadConnection) {
      try {
        opened = await this.#o.loadConnection(active.userId, active.trigger.connection);
      } catch (error) {
        await this.#failed(entry, error);
        return;
      }
    }
    const ctx: TriggerContext<unknown> = {
      props: active.trigger.config,
      auth: opened?.auth,
      ...(opened ? { connection: opened.connection } : {}),
      state: createHookState(this.#o.db, active.workflowId, active.trigger.key),
      log: quietLog,
      signal: this.#o.stopping,
      http: createLimitedFetch(
        this.#o.fetchLimits ?? { timeoutMs: 30_000, maxBytes: 10 * 1024 * 1024 },
        this.#o.stopping,
      ),
      workflow: { id: active.workflowId, userId: active.userId },
      node: { key: active.trigger.key },
      publicUrl: this.#o.publicUrl,
    };
    try {
      await runPoll({
        db: this.#o.db,
        polling: entry.hooks,
        ctx,
        onNewItems: async (trx, items) => {
          await insertRuns(
            trx,
            this.#o.queue,
            items.map((item) => ({
              workflowId: active.workflowId,
              userId: active.userId,
              versionId: active.versionId,
              version: active.version,
              mode: 'polling',
              triggerData: item.item,
              idempotencyKey: item.idempotencyKey,
              concurrency: active.settings?.concurrency,
            })),
            this.#o.creditCost,
          );
        },
      });
      this.#o.queue.wake();
      if (entry.errorShown) {
        await clearTriggerError(this.#o.db, active.workflowId);
        entry.errorShown = false;
      }
      entry.failures = 0;
      entry.nextAt = Date.now() + entry.intervalMs;
    } catch (error) {
      await this.#failed(entry, error);
    }
  }

  /** Backs the trigger off and shows why on the workflow. */
  async #failed(entry: Entry, error: unknown): Promise<void> {
    const { active } = entry;
    entry.failures++;
    entry.errorShown = true;
    const backoff = Math.min(entry.intervalMs * 2 ** entry.failures, MAX_BACKOFF_MS);
    entry.nextAt = Date.now() + backoff;
    await showTriggerError(this.#o.db, active.workflowId, 'poll', entry.failures, backoff, error);
    this.#o.log.warn({ workflowId: active.workflowId, err: error }, 'poll failed');
  }
}
