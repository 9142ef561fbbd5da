import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import { type Database, openDatabase } from './connect.ts';

// PostgreSQL flushes its commits itself; this is about the embedded server writing to a directory.
describe.skipIf(TEST_DB_KIND !== 'pglite')('the embedded database in a data directory', () => {
  let dir: string;
  let database: Database;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'area-durable-'));
    database = await openDatabase({ dataDir: dir });
  });

  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs with fsync on, through a file system whose files can be flushed', async () => {
    const setting = async (name: string) =>
      Object.values((await sql.raw(`SHOW ${name}`).execute(database.db)).rows[0] as object)[0];
    expect(await setting('fsync')).toBe('on');
    // fdatasync is a no-op in the embedded server's C library; fsync reaches the file system.
    expect(await setting('wal_sync_method')).toBe('fsync');
    const module = database.pglite?.Module as unknown as {
      NODEFS: { stream_ops: { fsync?: unknown } };
    };
    expect(typeof module.NODEFS.stream_ops.fsync).toBe('function');
  });

  it('flushes the WAL at every commit', async () => {
    const syncs = async () => {
      const rows = await sql<{ n: number }>`
        SELECT coalesce(sum(fsyncs), 0)::int AS n FROM pg_stat_io WHERE object = 'wal'`.execute(database.db);
      return rows.rows[0]?.n ?? 0;
    };
    await sql`CREATE TABLE durable (id int)`.execute(database.db);
    await sql`SELECT pg_stat_force_next_flush()`.execute(database.db);
    const before = await syncs();
    for (let i = 0; i < 10; i++) await sql`INSERT INTO durable VALUES (${i})`.execute(database.db);
    await sql`SELECT pg_stat_force_next_flush()`.execute(database.db);
    // The statistics reach the view after the statement that asked for them.
    await sql`SELECT 1`.execute(database.db);
    expect((await syncs()) - before).toBeGreaterThanOrEqual(10);
  });
});
