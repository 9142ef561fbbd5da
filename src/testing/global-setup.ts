import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../db/connect.ts';
import { MIGRATIONS_DIR, migrateUp } from '../db/migrator.ts';
import { TEST_SCHEMA_PREFIX } from './test-db.ts';

/**
 * Runs once per test run. Embedded: creating a PGlite database costs seconds (initdb), so one migrated
 * instance is dumped and every test database starts from that dump. PostgreSQL: drops schemas that
 * earlier, interrupted runs left behind (hours old, so concurrent runs are left alone).
 */
export async function setup(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE nspname LIKE '${TEST_SCHEMA_PREFIX}%'`,
      );
      // Other test runs may be using theirs right now: drop only schemas older than two hours.
      const cutoff = Math.floor(Date.now() / 1000) - 2 * 3600;
      for (const row of rows) {
        const created = Number(row.nspname.slice(TEST_SCHEMA_PREFIX.length).split('_')[0]) || 0;
        if (created < cutoff) await client.query(`DROP SCHEMA IF EXISTS ${row.nspname} CASCADE`);
      }
    } finally {
      await client.end();
    }
    return;
  }
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort())
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  // The database engine and its extensions shape the dump too.
  for (const pkg of ['@electric-sql/pglite', '@electric-sql/pglite-pgvector']) {
    hash.update(readFileSync(path.join(process.cwd(), 'node_modules', pkg, 'package.json')));
  }
  const file = path.join(os.tmpdir(), `area-test-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const database = await openDatabase({});
    await migrateUp(database.db);
    const dump = await database.pglite!.dumpDataDir('none');
    await database.close();
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  process.env['AREA_TEST_PGLITE_TEMPLATE'] = file;
}
