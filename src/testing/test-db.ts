import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { type Database, openDatabase } from '../db/connect.ts';
import { migrateUp } from '../db/migrator.ts';

/** Which database the suite runs on: PostgreSQL when DATABASE_URL is set, the embedded one otherwise. */
export const TEST_DATABASE_URL = process.env['DATABASE_URL'] || undefined;
export const TEST_DB_KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export const TEST_SCHEMA_PREFIX = 'area_t_';

export interface TestDatabase extends Database {
  /** PostgreSQL: the schema this database lives in; embedded: undefined. */
  schema: string | undefined;
  /** A connection string that reaches this same database from another process (PostgreSQL only). */
  url: string | undefined;
}

let template: Blob | undefined;

function pgliteTemplate(): Blob | undefined {
  const file = process.env['AREA_TEST_PGLITE_TEMPLATE'];
  if (!file) return undefined;
  template ??= new Blob([readFileSync(file)]);
  return template;
}

/**
 * A fresh, migrated database of its own: a new embedded instance (from the migrated template the
 * global setup made), or a new schema on the PostgreSQL server named by DATABASE_URL.
 * `migrate: false` gives an empty one.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (!TEST_DATABASE_URL) {
    const tpl = migrate ? pgliteTemplate() : undefined;
    const database = await openDatabase(tpl ? { pgliteTemplate: tpl } : {});
    if (migrate && !tpl) await migrateUp(database.db);
    return { ...database, schema: undefined, url: undefined };
  }
  // The creation time in the name lets a later run drop what an interrupted run left behind, and only that.
  const schema = `${TEST_SCHEMA_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5 });
  if (migrate) await migrateUp(database.db);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    ...database,
    schema,
    url: url.toString(),
    close: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
