import pg from 'pg';
import { ensurePgliteTemplate } from '../db/pglite-template.ts';
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
  // The same migrated dump `npm install` prepares for a first start (made here if it is missing).
  const file = await ensurePgliteTemplate();
  process.env['AREA_TEST_PGLITE_TEMPLATE'] = file;
}
