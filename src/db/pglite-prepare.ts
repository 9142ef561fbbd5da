import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.ts';
import { isEmptyOrMissing, pgliteTemplatePath } from './pglite-template-file.ts';

/**
 * Unpacks the template into a new embedded data directory on a worker thread, for a caller with other
 * work for the main thread meanwhile: `area start` loads its code (about 0.6 s) while the 640 files
 * of the template are written (about 0.4 s on the disks measured, where creating a file costs most).
 * Does nothing for a directory that already holds a database. Never fails: when it could not unpack,
 * opening the database does it as before, and reports what is wrong (a directory in use, say).
 */
export async function prepareEmbeddedDataDir(dataDir: string): Promise<void> {
  const pgdata = path.join(dataDir, 'pgdata');
  try {
    if (existsSync(path.join(pgdata, 'PG_VERSION')) || !isEmptyOrMissing(pgdata)) return;
    if (!existsSync(pgliteTemplatePath())) return;
  } catch {
    return;
  }
  let release: () => void;
  try {
    release = lockDataDir(dataDir);
  } catch {
    return;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./pglite-unpack-worker.ts', import.meta.url), {
        workerData: { pgdata },
      });
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
    });
  } catch {
    // Opening the database unpacks it (and clears what the worker left).
  } finally {
    release();
  }
}

/**
 * How much a WebAssembly function runs before V8 compiles it again with its optimising compiler
 * (V8's default: 13,000,000). At the default the queries of one start sent about thirty of
 * PostgreSQL's functions to that compiler: a few hundred milliseconds of CPU that a small machine
 * takes from the start itself (ready in 0.96 s instead of 1.34 s, medians on two cores). Raised, what
 * is hot under load is still optimised within seconds; the benchmark's throughput did not change.
 * Set before PGlite's module is compiled and instantiated.
 *
 * V8 stamps the code it caches with a hash of its flags and rejects a cached module compiled under
 * other flags. Node's compile cache keeps one entry per file, so processes that set this at different
 * points of their loading (embedded and PostgreSQL starts, the install's warm-up, the CLI's commands)
 * overwrote each other's entries and each compiled again what the other had loaded last: a start after
 * a start of the other kind loaded its code 0.3-0.5 s slower. Every entry point that uses the cache
 * (`area`, the engine process, the warm-up) sets it first thing, whatever its database.
 */
const WASM_TIERING_BUDGET = 100_000_000;

export function setWasmTieringBudget(): void {
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}

/** One of the files PGlite itself loads, which lie beside its entry module. */
export function pgliteFile(name: string): URL {
  return new URL(`./${name}`, import.meta.resolve('@electric-sql/pglite'));
}

/**
 * Compiles PGlite's WebAssembly (9 MB) on V8's background threads, for `openDatabase` to use: started
 * before the code loads, it is ready by the time the database opens instead of taking 0.15 s then.
 * Undefined when it cannot (PGlite then compiles its module itself, as it always did).
 */
export async function compilePgliteWasm(): Promise<WebAssembly.Module | undefined> {
  try {
    setWasmTieringBudget();
    const file = pgliteFile('pglite.wasm');
    // Read at once (15 ms): the compiling starts before this thread turns to loading the code.
    return await WebAssembly.compile(readFileSync(file));
  } catch {
    return undefined;
  }
}
