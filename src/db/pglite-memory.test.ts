import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseNativeMemory } from '../system/memory-release.ts';
import { LINUX_GLIBC } from '../testing/platform.ts';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import { type Database, openDatabase } from './connect.ts';

// The embedded database only: a PostgreSQL server's memory is its own.
describe.runIf(TEST_DB_KIND === 'pglite' && LINUX_GLIBC)(
  'the embedded database with less resident memory',
  () => {
    let dataDir: string;
    let database: Database;
    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-pglite-memory-'));
      database = await openDatabase({ dataDir });
    });
    afterAll(async () => {
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("reads PostgreSQL's share and lib files from a mapping of PGlite's bundle", async () => {
      expect(readFileSync('/proc/self/maps', 'utf8')).toMatch(/@electric-sql\/pglite\/dist\/pglite\.data/);
      // A time zone file, the PL/pgSQL module and the snowball dictionaries' module, all from the bundle.
      const zoned = await sql<{ t: string }>`
      SELECT to_char(timestamptz '2026-01-01 12:00:00+00' AT TIME ZONE 'Asia/Tokyo', 'HH24:MI') AS t`.execute(
        database.db,
      );
      expect(zoned.rows[0]?.t).toBe('21:00');
      await sql`CREATE FUNCTION area_answer() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 42; END $$`.execute(
        database.db,
      );
      const answer = await sql<{ a: number }>`SELECT area_answer() AS a`.execute(database.db);
      expect(answer.rows[0]?.a).toBe(42);
      const words = await sql<{
        v: string;
      }>`SELECT to_tsvector('english', 'running dogs')::text AS v`.execute(database.db);
      expect(words.rows[0]?.v).toBe("'dog':2 'run':1");
    });

    it('hands back the zero pages of its shared buffers, and every row reads and writes as before', async () => {
      await sql`CREATE TABLE area_kept (id int PRIMARY KEY, label text NOT NULL)`.execute(database.db);
      await sql`INSERT INTO area_kept SELECT i, 'row ' || i FROM generate_series(1, 5000) AS i`.execute(
        database.db,
      );
      const pglite = database.pglite;
      if (!pglite) throw new Error('not the embedded database');

      const released = releaseNativeMemory([pglite.Module.HEAPU8.buffer]);

      // Most of the 16 MB of shared buffers hold nothing yet.
      expect(released).toBeGreaterThan(4 * 2 ** 20);
      await sql`INSERT INTO area_kept SELECT i, 'row ' || i FROM generate_series(5001, 60000) AS i`.execute(
        database.db,
      );
      const totals = await sql<{ n: number; s: number; last: string }>`
      SELECT count(*)::int AS n, sum(id)::bigint AS s, max(label) FILTER (WHERE id = 60000) AS last
      FROM area_kept`.execute(database.db);
      expect(totals.rows[0]).toEqual({ n: 60000, s: (60000 * 60001) / 2, last: 'row 60000' });
      // Nothing a second time that the first left behind and PostgreSQL has not zeroed since.
      expect(releaseNativeMemory([pglite.Module.HEAPU8.buffer])).toBeLessThan(released);
    });
  },
);
