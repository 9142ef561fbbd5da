import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';

/** The NOTIFY channel of engine messages ('done:<id>[,<id>...]', 'cancel:<id>'). */
export const ENGINE_CHANNEL = 'area_engine';

/**
 * Tells the processes of one Area that a run ended (a webhook waiting for it answers) or was
 * cancelled (the worker running it aborts its step). In one process an event emitter is enough;
 * with PostgreSQL the same messages also travel by NOTIFY to every process that listens.
 */
export class EngineBus {
  readonly #local = new EventEmitter();
  /** Who waits for which run to end: a run's ending reaches its own waiters only. */
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #pool: pg.Pool | undefined;
  readonly #url: string | undefined;
  readonly #log: Logger;
  #listener: pg.Client | undefined;
  #stopped = false;

  constructor(options: { pool?: pg.Pool | undefined; url?: string | undefined; log: Logger }) {
    this.#pool = options.pool;
    this.#url = options.url;
    this.#log = options.log;
    this.#local.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (!this.#url || this.#listener) return;
    const client = new pg.Client({ connectionString: this.#url, application_name: 'area-bus' });
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'engine notification connection lost');
      this.#listener = undefined;
      if (!this.#stopped) setTimeout(() => void this.start().catch(() => {}), 1000);
    });
    await client.connect();
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      const [kind, id] = [payload.slice(0, payload.indexOf(':')), payload.slice(payload.indexOf(':') + 1)];
      if (kind === 'done') for (const one of id.split(',')) this.#done(one);
      else if (kind === 'cancel') this.#local.emit(kind, id);
    });
    await client.query(`LISTEN ${ENGINE_CHANNEL}`);
    this.#listener = client;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
  }

  #publish(kind: 'done' | 'cancel', id: string): void {
    if (this.#pool && this.#listener) {
      // The listener hears our own NOTIFY too, which delivers it locally.
      this.#pool
        .query('SELECT pg_notify($1, $2)', [ENGINE_CHANNEL, `${kind}:${id}`])
        .catch((error: unknown) => {
          this.#log.warn({ err: error }, 'engine notification not sent');
          this.#deliver(kind, id);
        });
    } else {
      this.#deliver(kind, id);
    }
  }

  #deliver(kind: 'done' | 'cancel', id: string): void {
    if (kind === 'done') this.#done(id);
    else this.#local.emit(kind, id);
  }

  #done(executionId: string): void {
    const waiting = this.#waiters.get(executionId);
    if (waiting) for (const wake of [...waiting]) wake();
  }

  publishDone(executionId: string): void {
    this.#publish('done', executionId);
  }

  /**
   * Runs whose endings were written. On PostgreSQL the statement that wrote them sent their NOTIFY,
   * which this process hears from its listener; without a listener (the embedded database, or one
   * reconnecting) they are told here directly.
   */
  ended(executionIds: readonly string[]): void {
    if (this.#listener) return;
    for (const id of executionIds) this.#done(id);
  }

  publishCancel(executionId: string): void {
    this.#publish('cancel', executionId);
  }

  onCancel(listener: (executionId: string) => void): void {
    this.#local.on('cancel', listener);
  }

  /** Resolves true when the run ends within `ms`, false otherwise. */
  waitForDone(executionId: string, ms: number, alreadyDone: () => Promise<boolean>): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        const waiting = this.#waiters.get(executionId);
        waiting?.delete(onDone);
        if (waiting?.size === 0) this.#waiters.delete(executionId);
        resolve(value);
      };
      const onDone = () => finish(true);
      let waiting = this.#waiters.get(executionId);
      if (!waiting) {
        waiting = new Set();
        this.#waiters.set(executionId, waiting);
      }
      waiting.add(onDone);
      const timer = setTimeout(() => finish(false), ms);
      // A notification can be missed (a listener reconnecting); a slow look at the row covers it.
      const check = () =>
        alreadyDone().then(
          (done) => done && finish(true),
          () => {},
        );
      const poll = setInterval(check, 1000);
    });
  }
}
