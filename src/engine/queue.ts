import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { type Db, fromPglite, type JobInsert, PgBoss } from 'pg-boss';
import type { Database } from '../db/connect.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';

/** One queue carries every run; a job's data names the execution it drives. */
export const RUN_QUEUE = 'area-run';

export interface RunJob {
  /** The execution the job drives. */
  executionId?: string;
  /**
   * Several executions (written by earlier versions of Area for runs started where they were taken
   * in; a lease sweep resumes those now).
   */
  executionIds?: string[];
  /** The workflow's limit of runs at once, when it has one. */
  concurrency?: number;
}

export interface QueueOptions {
  database: Database;
  log: Logger;
  /** PostgreSQL: the connection string pg-boss opens its own pool (and its LISTEN connection) with. */
  url?: string | undefined;
  /** PostgreSQL: the schema pg-boss keeps its tables in. */
  schema?: string | undefined;
  /** Drop that schema when the queue stops (test databases, which are thrown away). */
  dropSchemaOnStop?: boolean;
  /** Seconds a run may hold its job before another worker takes it again. */
  runExpirySeconds: number;
}

/**
 * The durable job queue (pg-boss) on the same database as the data: the embedded PGlite instance
 * itself, or PostgreSQL through a pool of its own. An execution row and its job are written in one
 * transaction (`enqueueRuns(trx, ...)`), so an accepted run always has a job and a job always has a row.
 */
export class RunQueue {
  readonly boss: PgBoss;
  readonly #options: QueueOptions;
  #started: Promise<void> | undefined;
  readonly #workIds: string[] = [];
  #wakeQueued = false;

  /** PostgreSQL: the schema the queue keeps its tables in. */
  readonly schema: string;

  constructor(options: QueueOptions) {
    this.#options = options;
    this.schema = options.schema ?? 'pgboss';
    const { database } = options;
    // Expired jobs (their worker died) are found by the monitor pass: run it often enough that a
    // run is taken again soon after its expiry.
    const pass = Math.max(1, Math.min(60, Math.floor(options.runExpirySeconds / 2)));
    const common = {
      useListenNotify: true,
      superviseIntervalSeconds: pass,
      monitorIntervalSeconds: pass,
      registerInstance: false,
      // Area schedules runs itself (scheduler.ts) and never uses pg-boss's cron schedules. Their
      // timekeeper created its own queue with a PL/pgSQL call at every start (on the embedded
      // database the first such call in a process loads the language, tens of milliseconds) and
      // polled that queue and the clock from then on.
      schedule: false,
    } as const;
    if (database.kind === 'pglite') {
      if (!database.pglite) throw new Error('embedded database without its PGlite instance');
      this.boss = new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' });
    } else {
      if (!options.url) throw new Error('the queue needs the PostgreSQL connection string');
      this.boss = new PgBoss({
        ...common,
        connectionString: options.url,
        schema: this.schema,
        max: 4,
        application_name: 'area-queue',
      });
    }
    this.boss.on('error', (error) => options.log.error({ err: error }, 'job queue error'));
  }

  /** Installs or migrates pg-boss's tables and creates the run queue (idempotent, shared by all roles). */
  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.boss.start();
      // pg-boss creates a queue with a PL/pgSQL function that leaves an existing one as it is. Asked
      // only when the queue is missing: on the embedded database the first PL/pgSQL call of a process
      // loads the language (about 75 ms), which a start need not pay.
      if (await this.boss.getQueue(RUN_QUEUE)) return;
      await this.boss.createQueue(RUN_QUEUE, {
        notify: true,
        expireInSeconds: this.#options.runExpirySeconds,
        // A job is retried only when its worker died or threw outside the run; the run's own
        // failures end the execution, not the job.
        retryLimit: 20,
        retryDelay: 1,
        retryBackoff: true,
        retryDelayMax: 30,
        deleteAfterSeconds: 3600,
      });
    })();
    return this.#started;
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    await this.#started.catch(() => {});
    await this.boss.stop({ graceful: true, close: true, timeout: 10_000 });
    const { database, schema, dropSchemaOnStop } = this.#options;
    if (dropSchemaOnStop && schema && database.pool) {
      await database.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }

  /** Remembers a worker of this process, so `wake()` can make it fetch at once. */
  addWorker(workId: string): void {
    this.#workIds.push(workId);
  }

  /** Makes this process's workers fetch now (a delayed job came due) instead of at their next poll. */
  wake(): void {
    // Many commits in one turn of the event loop make one wake-up.
    if (this.#wakeQueued) return;
    this.#wakeQueued = true;
    setImmediate(() => {
      this.#wakeQueued = false;
      for (const id of this.#workIds) this.boss.notifyWorker(id);
    });
  }

  /** Enqueues jobs inside the caller's transaction: they exist exactly when the transaction commits. */
  async enqueueRuns(trx: Transaction<DB> | Kysely<DB>, jobs: readonly RunJobInsert[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(RUN_QUEUE, jobInsertsOf(jobs), { db: onTransaction(trx) });
  }

  /** The statement that enqueues these jobs, for a caller that sends it in its own transaction. */
  async insertStatement(
    jobs: readonly RunJobInsert[],
  ): Promise<{ text: string; values: unknown[] } | undefined> {
    if (jobs.length === 0) return undefined;
    let statement: { text: string; values: unknown[] } | undefined;
    const capture: Db = {
      executeSql: async (text, values) => {
        statement = { text, values: (values ?? []) as unknown[] };
        return { rows: [] };
      },
    };
    await this.boss.insert(RUN_QUEUE, jobInsertsOf(jobs), { db: capture });
    return statement;
  }
}

export interface RunJobInsert {
  executionId: string;
  concurrency?: number;
  startAfter?: Date;
}

function jobInsertsOf(jobs: readonly RunJobInsert[]): JobInsert<RunJob>[] {
  return jobs.map((job) => {
    const data: RunJob = { executionId: job.executionId };
    if (job.concurrency) data.concurrency = job.concurrency;
    const insert: JobInsert<RunJob> = { data };
    if (job.startAfter) insert.startAfter = job.startAfter;
    return insert;
  });
}

/** pg-boss statements run on a Kysely transaction (or the plain connection). */
export function onTransaction(trx: Transaction<DB> | Kysely<DB>): Db {
  return {
    executeSql: async (text, values) => {
      const result = await trx.executeQuery(CompiledQuery.raw(text, (values ?? []) as unknown[]));
      return { rows: result.rows as unknown[] };
    },
  };
}
