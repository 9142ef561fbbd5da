import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { readPgliteTemplate, unpackPgliteTemplate } from './pglite-template.ts';
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

/**
 * Settings of the embedded server. The embedded build zeroes its shared memory at start, so
 * PostgreSQL's default of 128 MB of shared buffers was 120 MB of resident memory from the first
 * second. Its one connection and a data directory that the OS page cache keeps anyway need far less:
 * 16 MB holds the hot pages of the queue and run tables (the benchmark's throughput did not change).
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB'];

/**
 * How much a WebAssembly function runs before V8 compiles it again with its optimising compiler
 * (V8's default: 13,000,000). At the default the queries of one start sent about thirty of
 * PostgreSQL's functions to that compiler: a few hundred milliseconds of CPU that a small machine
 * takes from the start itself (ready in 0.96 s instead of 1.34 s, medians on two cores). Raised, what
 * is hot under load is still optimised within seconds; the benchmark's throughput did not change.
 * V8 reads the flag when a module is instantiated, so it is set just before PGlite's is.
 */
const WASM_TIERING_BUDGET = 100_000_000;

function isEmptyOrMissing(directory: string): boolean {
  return !existsSync(directory) || readdirSync(directory).length === 0;
}

async function openPglite(dataDir: string | undefined, template: Blob | undefined): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  const pgdata = dataDir ? path.join(dataDir, 'pgdata') : undefined;
  let seed = template;
  try {
    // A new data directory starts from the install-time template instead of running initdb: unpacked
    // onto the disk when its directory is new, else (a directory left with other files) loaded by PGlite.
    if (pgdata && !seed && !existsSync(path.join(pgdata, 'PG_VERSION'))) {
      if (isEmptyOrMissing(pgdata)) {
        rmSync(pgdata, { recursive: true, force: true });
        unpackPgliteTemplate(pgdata);
      } else {
        seed = readPgliteTemplate();
      }
    }
    v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
    pglite = await PGlite.create({
      ...(pgdata ? { dataDir: pgdata } : {}),
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
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
