import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../db/connect.ts';
import { migrateUp } from '../db/migrator.ts';

export interface OwnSchemaDatabase extends Database {
  schema: string;
  /** Reaches the same schema from another process. */
  url: string;
  /** Settings a child process needs to use this database and a queue schema of its own. */
  env: Record<string, string>;
}

/**
 * A migrated PostgreSQL schema for the multi-process tests and the benchmark, under a prefix of its
 * own (`area_mp_`): long runs with several processes must not be swept by another test run's clean-up.
 * Closing drops it and its queue schema.
 */
export async function createOwnSchemaDatabase(
  serverUrl: string,
  prefix = 'area_mp_',
): Promise<OwnSchemaDatabase> {
  const schema = `${prefix}${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const drop = () =>
    admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_q CASCADE`);
  // The address is checked before anything is made: a schema is never left behind by a bad one.
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  await admin(`CREATE SCHEMA ${schema}`);
  let database: Database | undefined;
  try {
    database = await openDatabase({ databaseUrl: serverUrl, schema, poolSize: 5 });
    await migrateUp(database.db);
  } catch (error) {
    await database?.close();
    await drop();
    throw error;
  }
  const opened = database;
  return {
    ...opened,
    schema,
    url: url.toString(),
    env: { DATABASE_URL: url.toString(), QUEUE_SCHEMA: `${schema}_q` },
    close: async () => {
      await opened.close();
      await drop();
    },
  };
}
