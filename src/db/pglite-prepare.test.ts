import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import { openDatabase } from './connect.ts';
import { migrationStatus } from './migrator.ts';
import { prepareEmbeddedDataDir } from './pglite-prepare.ts';

describe.skipIf(TEST_DB_KIND !== 'pglite')('a new embedded data directory prepared ahead', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'area-prep-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is unpacked on another thread into the migrated database, with the queue installed', async () => {
    const dataDir = fresh();
    const preparing = prepareEmbeddedDataDir(dataDir);
    // The main thread is free meanwhile: the unpacking runs on a worker.
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(false);
    await preparing;
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(readdirSync(dataDir).sort()).toEqual(['pgdata']);
    const database = await openDatabase({ dataDir });
    try {
      const applied = await migrationStatus(database.db);
      expect(applied.length).toBeGreaterThan(0);
      expect(applied.every((m) => m.executedAt)).toBe(true);
      const queue = await sql<{ version: number }>`SELECT version FROM pgboss.version`.execute(database.db);
      expect(queue.rows).toHaveLength(1);
      const databases = await sql<{ datname: string }>`SELECT datname FROM pg_database`.execute(database.db);
      expect(databases.rows.map((row) => row.datname)).toEqual(['postgres']);
    } finally {
      await database.close();
    }
  });

  it('leaves alone a directory that holds something, or that another process holds', async () => {
    const used = fresh();
    mkdirSync(path.join(used, 'pgdata'));
    writeFileSync(path.join(used, 'pgdata', 'postgresql.conf'), '');
    await prepareEmbeddedDataDir(used);
    expect(readdirSync(path.join(used, 'pgdata'))).toEqual(['postgresql.conf']);

    const held = fresh();
    const lock = JSON.stringify({ pid: process.ppid, host: os.hostname() });
    writeFileSync(path.join(held, 'area.lock'), lock);
    await prepareEmbeddedDataDir(held);
    expect(readdirSync(held)).toEqual(['area.lock']);
  });
});
