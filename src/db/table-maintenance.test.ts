import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';
import { until } from '../testing/until.ts';
import { maintainTables, tableMaintenanceService, tablesDue } from './table-maintenance.ts';
import type { DB } from './types.ts';

let database: TestDatabase;
let db: Kysely<DB>;
let schema: string;

/** Runs `statements` in one transaction whose activity statistics are published when it commits. */
async function write(...statements: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await sql.raw(statement).execute(trx);
    await sql`SELECT pg_stat_force_next_flush()`.execute(trx);
  });
}

/**
 * Whether a vacuum here must have removed every dead row. On a shared PostgreSQL server a vacuum keeps
 * the rows that a transaction of another session (another test) may still see; the embedded database
 * has one session.
 */
const DEAD_ROWS_GO = TEST_DB_KIND === 'pglite';

async function statsOf(table: string) {
  const rows = await sql<{ vacuums: number; analyzes: number; dead: number }>`
    SELECT vacuum_count::int AS vacuums, analyze_count::int AS analyzes, n_dead_tup::int AS dead
    FROM pg_stat_all_tables WHERE schemaname = ${schema} AND relname = ${table}`.execute(db);
  const row = rows.rows[0];
  if (!row) throw new Error(`no statistics for ${table}`);
  return row;
}

/** The service on this test's schema, checking every 50 ms, started. */
async function startService(options: { fullIntervalMs?: number } = {}) {
  const service = tableMaintenanceService({
    db,
    log: createLogger('silent', false),
    intervalMs: 50,
    ...options,
    schemas: [schema],
  });
  await service.start();
  return service;
}

/** The live rows of a table by its activity statistics (what the maintenance reads). */
async function liveRows(table: string): Promise<number> {
  const rows = await sql<{ live: number }>`
    SELECT n_live_tup::int AS live FROM pg_stat_all_tables
    WHERE schemaname = ${schema} AND relname = ${table}`.execute(db);
  return rows.rows[0]?.live ?? 0;
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  db = database.db;
  schema = database.schema ?? 'public';
});

afterAll(async () => {
  await database.close();
});

describe('table maintenance (autovacuum for the embedded database)', () => {
  it('vacuums and analyzes a table with many dead rows and leaves a quiet one alone', async () => {
    await write(
      'CREATE TABLE churn (id int PRIMARY KEY, n int NOT NULL)',
      'CREATE TABLE quiet (id int PRIMARY KEY)',
      'INSERT INTO churn SELECT g, 0 FROM generate_series(1, 1000) g',
      'INSERT INTO quiet SELECT g FROM generate_series(1, 10) g',
    );
    await write('UPDATE churn SET n = n + 1');
    // The statistics are read in a new transaction, once the writer published them.
    await until(
      () => statsOf('churn'),
      (stats) => stats.dead >= 1000,
    );

    const due = await tablesDue(db, { schemas: [schema] });
    expect(due).toContainEqual({ table: `${schema}.churn`, vacuum: true, analyze: true });
    expect(due.map((w) => w.table)).not.toContain(`${schema}.quiet`);

    const done = await maintainTables(db, { schemas: [schema] });
    expect(done.find((w) => w.table === `${schema}.churn`)?.ms).toBeGreaterThanOrEqual(0);
    const churn = await statsOf('churn');
    expect(churn.vacuums).toBe(1);
    expect(churn.analyzes).toBe(1);
    if (DEAD_ROWS_GO) expect(churn.dead).toBe(0);
    expect(await statsOf('quiet')).toMatchObject({ vacuums: 0, analyzes: 0 });
    // Nothing is due any more for the table just maintained (once its dead rows are gone).
    if (DEAD_ROWS_GO) {
      expect((await tablesDue(db, { schemas: [schema] })).map((w) => w.table)).not.toContain(
        `${schema}.churn`,
      );
    }
  });

  it('only analyzes a table that received fewer new rows than the vacuum threshold', async () => {
    await write(
      'CREATE TABLE fresh (id int PRIMARY KEY)',
      'INSERT INTO fresh SELECT g FROM generate_series(1, 200) g',
    );
    await until(
      () => tablesDue(db, { schemas: [schema] }),
      (due) => due.some((w) => w.table === `${schema}.fresh`),
    );
    expect((await tablesDue(db, { schemas: [schema] })).find((w) => w.table === `${schema}.fresh`)).toEqual({
      table: `${schema}.fresh`,
      vacuum: false,
      analyze: true,
    });
    await maintainTables(db, { schemas: [schema] });
    expect(await statsOf('fresh')).toMatchObject({ vacuums: 0, analyzes: 1 });
  });

  it("on a PostgreSQL server, looks after Area's schemas only, and only while the server's autovacuum is off", async () => {
    const elsewhere = `${schema}_elsewhere`;
    const named = `${schema}_named`;
    try {
      await write(
        `CREATE SCHEMA ${elsewhere}`,
        `CREATE SCHEMA ${named}`,
        `CREATE TABLE ${elsewhere}.other (id int PRIMARY KEY)`,
        `CREATE TABLE ${named}.queued (id int PRIMARY KEY)`,
        'CREATE TABLE own (id int PRIMARY KEY)',
        `INSERT INTO ${elsewhere}.other SELECT g FROM generate_series(1, 200) g`,
        `INSERT INTO ${named}.queued SELECT g FROM generate_series(1, 200) g`,
        'INSERT INTO own SELECT g FROM generate_series(1, 200) g',
      );
      const tables = [`${schema}.own`, `${named}.queued`, `${elsewhere}.other`];
      // All three are past the threshold for the embedded database's maintenance, which takes every schema.
      await until(
        async () => (await tablesDue(db)).map((w) => w.table),
        (due) => tables.every((t) => due.includes(t)),
      );
      const off = await sql<{ off: boolean }>`SELECT current_setting('autovacuum') = 'off' AS off`.execute(
        db,
      );
      const due = (await tablesDue(db, { server: true, schemas: [named] })).map((w) => w.table);
      if (off.rows[0]?.off) {
        expect(due).toContain(`${schema}.own`);
        expect(due).toContain(`${named}.queued`);
        expect(due).not.toContain(`${elsewhere}.other`);
        await maintainTables(db, { server: true, schemas: [named] });
        expect(await statsOf('own')).toMatchObject({ analyzes: 1 });
      } else {
        // The server's autovacuum does the work.
        expect(due).toEqual([]);
      }
    } finally {
      for (const made of [elsewhere, named])
        await sql.raw(`DROP SCHEMA IF EXISTS ${made} CASCADE`).execute(db);
    }
  });

  it('between full rounds, analyzes only the tables that outgrew their statistics', async () => {
    await write(
      'CREATE TABLE filling (id int PRIMARY KEY)',
      'CREATE TABLE settled (id int PRIMARY KEY, n int NOT NULL)',
      'INSERT INTO filling SELECT g FROM generate_series(1, 300) g',
      'INSERT INTO settled SELECT g, 0 FROM generate_series(1, 300) g',
    );
    await sql.raw('ANALYZE settled').execute(db);
    // Many changes and dead rows, no growth: due by autovacuum's rules, not outgrown.
    await write('UPDATE settled SET n = n + 1', 'UPDATE settled SET n = n + 1');
    const outgrown = async () =>
      (await tablesDue(db, { schemas: [schema], outgrownOnly: true })).filter((w) =>
        [`${schema}.filling`, `${schema}.settled`].includes(w.table),
      );
    await until(
      () => tablesDue(db, { schemas: [schema] }),
      (due) => due.some((w) => w.table === `${schema}.settled` && w.vacuum),
    );
    // Never analyzed, 300 rows: more than 100 plus twice none.
    expect(await outgrown()).toEqual([{ table: `${schema}.filling`, vacuum: false, analyze: true }]);

    await maintainTables(db, { schemas: [schema], outgrownOnly: true });
    expect(await statsOf('filling')).toMatchObject({ vacuums: 0, analyzes: 1 });
    expect(await statsOf('settled')).toMatchObject({ vacuums: 0, analyzes: 1 });
    expect(await outgrown()).toEqual([]);

    // 300 more rows (600) are not past 100 plus twice 300; 200 more (800) are.
    await write('INSERT INTO filling SELECT g FROM generate_series(301, 600) g');
    await until(
      () => liveRows('filling'),
      (live) => live >= 600,
    );
    expect(await outgrown()).toEqual([]);
    await write('INSERT INTO filling SELECT g FROM generate_series(601, 800) g');
    await until(outgrown, (due) => due.length === 1);
    expect(await outgrown()).toEqual([{ table: `${schema}.filling`, vacuum: false, analyze: true }]);
  });

  it('runs by itself every interval while the process runs, and stops with it', async () => {
    const service = await startService();
    try {
      await write(
        'CREATE TABLE busy (id int PRIMARY KEY, n int NOT NULL)',
        'INSERT INTO busy SELECT g, 0 FROM generate_series(1, 500) g',
      );
      await write('DELETE FROM busy WHERE id <= 400');
      await until(
        () => statsOf('busy'),
        (stats) => stats.vacuums > 0,
      );
      if (DEAD_ROWS_GO) expect((await statsOf('busy')).dead).toBe(0);
    } finally {
      await service.stop();
    }
    // Stopped: new dead rows, once the statistics show them, stay for several intervals.
    const stopped = await statsOf('busy');
    await write('DELETE FROM busy');
    await until(
      () => statsOf('busy'),
      (stats) => stats.dead >= stopped.dead + 100,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statsOf('busy')).toEqual({ ...stopped, dead: stopped.dead + 100 });
    if (DEAD_ROWS_GO) expect(stopped).toMatchObject({ vacuums: 1, dead: 0 });
  });

  it('with a full interval, keeps the vacuums for the full rounds and analyzes a filling table between', async () => {
    await write(
      'CREATE TABLE shrinking (id int PRIMARY KEY)',
      'INSERT INTO shrinking SELECT g FROM generate_series(1, 500) g',
    );
    await sql.raw('ANALYZE shrinking').execute(db);
    await write('DELETE FROM shrinking WHERE id <= 400');
    await until(
      () => tablesDue(db, { schemas: [schema] }),
      (due) => due.some((w) => w.table === `${schema}.shrinking` && w.vacuum),
    );
    const service = await startService({ fullIntervalMs: 600_000 });
    try {
      await write(
        'CREATE TABLE growing (id int PRIMARY KEY)',
        'INSERT INTO growing SELECT g FROM generate_series(1, 300) g',
      );
      await until(
        () => statsOf('growing'),
        (stats) => stats.analyzes > 0,
      );
      // Several checks later, the table due only by the full rules still waits for a full round.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statsOf('shrinking')).toMatchObject({ vacuums: 0, analyzes: 1 });
      expect(await statsOf('growing')).toMatchObject({ vacuums: 0, analyzes: 1 });
    } finally {
      await service.stop();
    }
  });
});
