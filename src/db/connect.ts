import { existsSync, fdatasyncSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely } from 'kysely';
import pg from 'pg';
import { nativeMemory } from '../system/native-memory.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { pgliteFile, setWasmTieringBudget } from './pglite-prepare.ts';
import { isEmptyOrMissing, readPgliteTemplate, unpackPgliteTemplate } from './pglite-template-file.ts';
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
  /** Embedded only: PGlite's WebAssembly, already compiled (`compilePgliteWasm`). */
  pgliteWasmModule?: WebAssembly.Module | undefined;
}

// int8 columns hold counts, sizes and durations that fit a double; return them as numbers on both drivers.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.dataDir, options.pgliteTemplate, options.pgliteWasmModule);
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
 * ANALYZE (table-maintenance.ts) samples 300 rows per unit of the statistics target: at the default
 * of 100 its 30,000 rows were mostly pages outside those buffers, and analyzing the run tables held
 * the one connection for 0.6-0.9 s; at 10 it takes 40-70 ms, and the plans of Area's statements
 * (keys, owners, statuses, times) need no finer statistics. The server has one session, not the 100
 * that its lock table, process slots and serializable-transaction lists are otherwise sized for:
 * with 4 (3 of them reserved for superusers, as PGlite's one session is) its shared memory is 21 MB
 * instead of 24, and 2 MB less of its WebAssembly memory is resident.
 */
const PGLITE_SETTINGS = [
  'shared_buffers=16MB',
  'max_connections=4',
  'default_statistics_target=10',
  // See DurableNodeFS: commits are flushed to the disk, through fsync (fdatasync is a no-op there).
  'fsync=on',
  'wal_sync_method=fsync',
];

type NodeFSInit = Awaited<ReturnType<NodeFS['init']>>;
interface EmscriptenNodeFS {
  NODEFS: { stream_ops: { fsync?: (stream: { nfd: number }) => number } };
}

/**
 * PGlite's file system for Node writes through to the disk but cannot flush it (its streams have no
 * fsync, and fdatasync is a no-op), and PGlite starts PostgreSQL with fsync off. A committed run then
 * survived a crash of Area, its writes being in the kernel, but not a crash of the machine, which
 * could also leave the data files inconsistent. This one gives the streams an fsync (fdatasync of the
 * file), and the server runs with fsync on: the WAL is flushed at each commit, the data files at each
 * checkpoint, as PostgreSQL does on its own.
 */
class DurableNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS['init']>): Promise<NodeFSInit> {
    const { emscriptenOpts } = await super.init(...args);
    const addFsync = (module: EmscriptenNodeFS) => {
      module.NODEFS.stream_ops.fsync = (stream) => {
        try {
          fdatasyncSync(stream.nfd);
          return 0;
        } catch {
          return 29; // EIO: PostgreSQL stops rather than go on with data it could not flush.
        }
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), addFsync] } };
  }
}

/**
 * PGlite's bundle of PostgreSQL's share and lib files (6 MB: time zones, ICU data, encoding
 * conversions, the text search and PL/pgSQL modules, initdb's scripts). PGlite reads it whole and keeps
 * it for the life of the process, as the contents of its in-memory file system's files. Where the
 * system allows it the bundle is a private mapping of the file instead (native-memory.ts): only the
 * pages of the files PostgreSQL opens become resident, a few hundred KB. Undefined otherwise, and
 * PGlite reads the file itself.
 */
function pgliteFsBundle(): Blob | undefined {
  const mapped = nativeMemory()?.mapFile(fileURLToPath(pgliteFile('pglite.data')));
  // PGlite only asks the bundle for its bytes.
  return mapped && ({ arrayBuffer: () => Promise.resolve(mapped) } as unknown as Blob);
}

async function openPglite(
  dataDir: string | undefined,
  template: Blob | undefined,
  wasmModule: WebAssembly.Module | undefined,
): Promise<Database> {
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
    setWasmTieringBudget();
    const fsBundle = pgliteFsBundle();
    pglite = await PGlite.create({
      ...(pgdata ? { fs: new DurableNodeFS(pgdata) } : {}),
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
      ...(seed ? { loadDataDir: seed } : {}),
      ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}),
      ...(fsBundle ? { fsBundle } : {}),
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
