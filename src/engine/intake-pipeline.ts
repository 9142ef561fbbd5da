import type { Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import type { IntakePlan, Row } from './intake.ts';
import { prepared, preparedQuery } from './prepared.ts';
import type { RunQueue } from './queue.ts';

interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * The intake's writes on PostgreSQL, on a pipelined connection of its own (the intake writes one
 * batch at a time), its statements prepared once on that connection. Runs that all start in this
 * process need no job: their statement goes alone, without a transaction. Otherwise BEGIN, the jobs,
 * the runs and COMMIT go out together in one round trip, instead of four through the pool, each
 * waiting for the one before.
 */
export class PipelinedIntake {
  readonly #pool: pg.Pool;
  readonly #db: Kysely<DB>;
  readonly #queue: RunQueue;
  readonly #log: Logger;
  #client: Promise<pg.Client> | undefined;

  constructor(pool: pg.Pool, db: Kysely<DB>, queue: RunQueue, log: Logger) {
    this.#pool = pool;
    this.#db = db;
    this.#queue = queue;
    this.#log = log;
  }

  /**
   * Writes the plan: its runs' statement alone when it has no jobs, else the jobs and the runs in one
   * transaction. Answers the runs' statement's rows.
   */
  async write(plan: IntakePlan): Promise<Row[]> {
    const client = await this.#connect();
    const jobs = await this.#queue.insertStatement(plan.jobs);
    const runs = plan.statement.compile(this.#db);
    if (!jobs) return (await client.query<Row>(prepared(runs))).rows;
    // The pipelined client sends each query as it is given; corked, the four leave in one write, and
    // the server's process is woken once for them instead of up to four times.
    const stream = (client as unknown as { connection: { stream: Corkable } }).connection.stream;
    stream.cork();
    let sent: Promise<pg.QueryResult>[];
    try {
      sent = [
        client.query('BEGIN'),
        client.query(preparedQuery(jobs.text, jobs.values)),
        client.query<Row>(prepared(runs)),
        client.query('COMMIT'),
      ];
    } finally {
      stream.uncork();
    }
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((r) => r.status === 'rejected');
    // A statement that failed made the server end the transaction; its COMMIT then rolled it back.
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
    if (results.at(-1)?.command !== 'COMMIT') throw new Error('the intake transaction was rolled back');
    return (results.at(-2)?.rows ?? []) as Row[];
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.end()).catch(() => {});
  }

  #connect(): Promise<pg.Client> {
    this.#client ??= (async () => {
      // The pool's settings (address, schema) on a connection that sends queries without waiting.
      const options = (this.#pool as unknown as { options: pg.ClientConfig }).options;
      const client = new pg.Client({
        ...options,
        pipeline: true,
        application_name: 'area-intake',
      } as pg.ClientConfig);
      client.on('error', (error) => {
        this.#log.warn({ err: error }, 'intake connection lost; the next intake opens another');
        this.#client = undefined;
      });
      client.on('end', () => {
        this.#client = undefined;
      });
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }
}
