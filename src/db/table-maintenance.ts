import { type Kysely, sql } from 'kysely';
import type { BackgroundService } from '../app-context.ts';
import type { Logger } from '../lib/logger.ts';
import { periodicService } from '../system/periodic-service.ts';
import type { DB } from './types.ts';

/**
 * Autovacuum's work, for the embedded database, and for Area's tables on a PostgreSQL server whose
 * autovacuum is turned off. PGlite runs PostgreSQL as one session without autovacuum's background
 * workers, so without this nothing would ever:
 * - remove the row versions that updates and deletes leave behind (every run's row is written
 *   twice, the job queue's rows three times), in the tables and in their indexes;
 * - refresh the planner's statistics. A statement prepared while its tables were nearly empty keeps
 *   the plan made for that size until statistics change: the ending of a batch of runs took 1.6 ms
 *   after 5,000 runs and 4.3 ms after 20,000, and stayed at about 1.2 ms when the tables were
 *   vacuumed and analyzed as they grew;
 * - freeze old rows before transaction ids wrap around.
 * The rules and thresholds are autovacuum's own defaults, read from the same statistics. On a
 * PostgreSQL server the same plan problem hit every pooled connection that prepared the ending of
 * runs while `executions` was small: with autovacuum off, a sequential scan of the whole table in
 * every ending, for as long as the connection lived.
 */

/** A table is vacuumed when its dead rows exceed this many plus a share of its live rows. */
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
/** ...or when the rows inserted since its last vacuum do (so its pages get marked all-visible). */
const INSERT_BASE = 1000;
const INSERT_SCALE = 0.2;
/** A table is analyzed when the rows changed since its last analyze exceed this. */
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
/** A table whose oldest unfrozen transaction id is this old is vacuumed whatever else holds. */
const FREEZE_MAX_AGE = 200_000_000;
/**
 * Between full rounds, a table is analyzed only when it holds more than this many rows plus twice
 * what its statistics say: never analyzed, or grown past double since. Plans made for a table a
 * fraction of its size are the ones that go wrong; growing by doubles, a table is analyzed this way
 * only a few times in its life.
 */
const OUTGROWN_BASE = 100;

export interface TableWork {
  /** Schema-qualified and quoted. */
  table: string;
  vacuum: boolean;
  analyze: boolean;
  /** How long it took, once done. */
  ms?: number;
}

export interface MaintenanceOptions {
  /** Only the tables of these schemas (default: every schema of the database). */
  schemas?: readonly string[] | undefined;
  /**
   * A PostgreSQL server, which has an autovacuum of its own: tables are due only while it is turned
   * off there, and only those of the connection's schema and of `schemas` (Area's own).
   */
  server?: boolean | undefined;
  /**
   * Only the tables that have outgrown their statistics (see OUTGROWN_BASE), to be analyzed: the
   * check between two full rounds.
   */
  outgrownOnly?: boolean | undefined;
}

/** The tables over a threshold now, by the server's own activity statistics. */
export async function tablesDue(db: Kysely<DB>, options: MaintenanceOptions = {}): Promise<TableWork[]> {
  const schemas = options.schemas ? [...options.schemas] : null;
  const server = options.server === true;
  const outgrownOnly = options.outgrownOnly === true;
  // The four counters autovacuum reads, for plain tables only: the pg_stat_all_tables view computes
  // twenty for every relation, TOAST tables included, which took 5-15 ms on the embedded server (this
  // takes 2-3.5 ms), every few seconds. `reltuples` is -1 until a table is first vacuumed or analyzed.
  const result = await sql<TableWork>`
    SELECT * FROM (SELECT format('%I.%I', n.nspname, c.relname) AS table,
      NOT ${outgrownOnly}::boolean AND (
        pg_stat_get_dead_tuples(c.oid) > ${sql.lit(VACUUM_BASE)} + ${sql.lit(VACUUM_SCALE)} * pg_stat_get_live_tuples(c.oid)
        OR pg_stat_get_ins_since_vacuum(c.oid) > ${sql.lit(INSERT_BASE)} + ${sql.lit(INSERT_SCALE)} * pg_stat_get_live_tuples(c.oid)
        OR age(c.relfrozenxid) > ${sql.lit(FREEZE_MAX_AGE)}) AS vacuum,
      CASE WHEN ${outgrownOnly}::boolean
        THEN pg_stat_get_live_tuples(c.oid) > ${sql.lit(OUTGROWN_BASE)} + 2 * greatest(c.reltuples, 0)
        ELSE pg_stat_get_mod_since_analyze(c.oid) > ${sql.lit(ANALYZE_BASE)} + ${sql.lit(ANALYZE_SCALE)} * pg_stat_get_live_tuples(c.oid)
      END AS analyze
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    -- A table's TOAST table is vacuumed with it.
    WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
      AND (${schemas}::text[] IS NULL OR n.nspname = ANY(${schemas}::text[])
        OR (${server}::boolean AND n.nspname = current_schema()))
      AND (NOT ${server}::boolean OR current_setting('autovacuum') = 'off')) t
    WHERE t.vacuum OR t."analyze" ORDER BY 1`.execute(db);
  return result.rows;
}

/**
 * Vacuums and analyzes the tables that are due, one statement each (the embedded server runs them
 * between other statements). A table dropped meanwhile is skipped; one that fails does not keep the
 * others from their turn, and the failures are thrown together at the end. Answers what was done.
 */
export async function maintainTables(db: Kysely<DB>, options: MaintenanceOptions = {}): Promise<TableWork[]> {
  const done: TableWork[] = [];
  const failed: { table: string; error: unknown }[] = [];
  for (const work of await tablesDue(db, options)) {
    // `table` comes from the catalog, quoted by format('%I.%I'). A table another process of a shared
    // server is vacuuming or analyzing just now is skipped, not waited for.
    const statement = work.vacuum
      ? `VACUUM (SKIP_LOCKED${work.analyze ? ', ANALYZE' : ''}) ${work.table}`
      : `ANALYZE (SKIP_LOCKED) ${work.table}`;
    try {
      const started = performance.now();
      await sql.raw(statement).execute(db);
      done.push({ ...work, ms: Math.round(performance.now() - started) });
    } catch (error) {
      if ((error as { code?: string }).code !== '42P01') failed.push({ table: work.table, error });
    }
  }
  if (failed.length > 0) {
    throw new AggregateError(
      failed.map((f) => f.error),
      `could not maintain ${failed.map((f) => f.table).join(', ')}`,
    );
  }
  return done;
}

/**
 * Checks the tables every `intervalMs` (after the last check ended) and maintains every table due by
 * autovacuum's rules. With `fullIntervalMs`, only a check at least that long after the last full one
 * (or the service's start) does so; the checks between only analyze the tables that outgrew their
 * statistics, so a table filling up after a start is still planned for its size within seconds.
 */
export function tableMaintenanceService(options: {
  db: Kysely<DB>;
  log: Logger;
  intervalMs?: number;
  fullIntervalMs?: number;
  schemas?: readonly string[];
  server?: boolean;
}): BackgroundService {
  const intervalMs = options.intervalMs ?? 5000;
  const { fullIntervalMs } = options;
  let told = false;
  let lastFull = performance.now();
  return periodicService({
    name: 'table-maintenance',
    firstAfterMs: intervalMs,
    everyMs: intervalMs,
    round: async () => {
      const started = performance.now();
      const full = fullIntervalMs === undefined || started - lastFull >= fullIntervalMs;
      if (full) lastFull = started;
      const done = await maintainTables(options.db, {
        schemas: options.schemas,
        server: options.server,
        outgrownOnly: !full,
      });
      if (done.length > 0 && options.server && !told) {
        told = true;
        options.log.info(
          'autovacuum is off on the PostgreSQL server: Area vacuums and analyzes its own tables',
        );
      }
      if (done.length > 0) {
        const tables = done.map((w) => ({
          table: w.table,
          did: w.vacuum && w.analyze ? 'vacuum, analyze' : w.vacuum ? 'vacuum' : 'analyze',
          ms: w.ms,
        }));
        options.log.debug({ tables, ms: Math.round(performance.now() - started) }, 'tables maintained');
      }
    },
    onError: (error) => options.log.warn({ err: error }, 'table maintenance failed; it is tried again later'),
  });
}
