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
      if (kind === 'done') for (const one of id.split(',')) this.#local.emit('done', one);
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
          this.#local.emit(kind, id);
        });
    } else {
      this.#local.emit(kind, id);
    }
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
    for (const id of executionIds) this.#local.emit('done', id);
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
        this.#local.off('done', onDone);
        resolve(value);
      };
      const onDone = (id: string) => {
        if (id === executionId) finish(true);
      };
      this.#local.on('done', onDone);
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
