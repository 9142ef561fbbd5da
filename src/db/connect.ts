import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { readPgliteTemplate } from './pglite-template.ts';
import { ScopedPostgresDialect } from './scoped-introspector.ts';
import type { DB } from './types.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** The embedded instance, when kind is pglite (the job queue shares it). */
  pglite: PGlite | undefined;
  /** The pool, when kind is postgres. */
  pool: pg.Pool | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database; absent means in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PostgreSQL only: the schema every connection works in (tests use one schema each). */
  schema?: string;
  /** Embedded only: start from this dump of a data directory instead of an empty database (tests). */
  pgliteTemplate?: Blob;
}

// int8 columns hold counts, sizes and durations that fit a double; return them as numbers on both drivers.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.dataDir, options.pgliteTemplate);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
  });
  // Fail at start, with the reason, rather than on the first request.
  const client = await pool.connect();
  client.release();
  const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    pglite: undefined,
    pool,
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string | undefined, template: Blob | undefined): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  const pgdata = dataDir ? path.join(dataDir, 'pgdata') : undefined;
  // A new data directory starts from the install-time template instead of running initdb.
  const seed =
    template ?? (pgdata && !existsSync(path.join(pgdata, 'PG_VERSION')) ? readPgliteTemplate() : undefined);
  try {
    pglite = await PGlite.create({
      ...(pgdata ? { dataDir: pgdata } : {}),
      ...(seed ? { loadDataDir: seed } : {}),
      // pgvector, for the assistant's search by meaning (chat_messages.embedding).
      extensions: { vector },
      parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) },
    });
  } catch (error) {
    release();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    pglite,
    pool: undefined,
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}
