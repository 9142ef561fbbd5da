import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the embedded database's template is (a migrated database dumped at install time by
 * pglite-template.ts), reading it, and unpacking it into a new data directory. Nothing heavier than
 * node:fs is loaded here, so a new data directory can be unpacked while the rest of the code loads.
 * The file name carries the versions of the engine and of pg-boss and a hash of the migrations, so a
 * dump made before any of them changed is never used.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function versionOf(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return String(pkg.version);
}

/** The engine, its extensions and the queue's schema decide what a dump contains. */
function pgliteVersion(): string {
  return `${versionOf('@electric-sql/pglite')}-vector${versionOf('@electric-sql/pglite-pgvector')}-pgboss${versionOf('pg-boss')}`;
}

/** The migrator's folder (src/db/migrations), named here so that this module loads nothing else. */
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

export function pgliteTemplatePath(): string {
  return path.join(ROOT, 'node_modules/.cache/area', `pglite-${pgliteVersion()}-${migrationsHash()}.tar`);
}

export function readPgliteTemplate(): Blob | undefined {
  try {
    const file = pgliteTemplatePath();
    return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Unpacks the template into `pgdata`, which must not exist yet; false when there is no template.
 * Handing PGlite the dump instead (`loadDataDir`) holds three copies of its 40 MB in memory while it
 * unpacks, and part of that for the life of the process: a first start sat 100 MB above a later one.
 * The dump is a plain tar of directories and files, read here a piece at a time, and unpacked beside
 * `pgdata` first so that an interrupted start never leaves a half-made data directory behind.
 */
export function unpackPgliteTemplate(pgdata: string): boolean {
  const file = pgliteTemplatePath();
  if (!existsSync(file)) return false;
  mkdirSync(path.dirname(pgdata), { recursive: true });
  // Left by a start that was killed while unpacking (the data directory's lock is held by this one).
  const stem = `${path.basename(pgdata)}.partial-`;
  for (const name of readdirSync(path.dirname(pgdata))) {
    if (name.startsWith(stem))
      rmSync(path.join(path.dirname(pgdata), name), { recursive: true, force: true });
  }
  const partial = `${pgdata}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  const tar = openSync(file, 'r');
  try {
    const header = Buffer.alloc(TAR_BLOCK);
    const chunk = Buffer.alloc(1024 * 1024);
    let position = 0;
    while (readSync(tar, header, 0, TAR_BLOCK, position) === TAR_BLOCK && header.some((byte) => byte !== 0)) {
      position += TAR_BLOCK;
      const name = path.posix.join(tarText(header, 345, 155), tarText(header, 0, 100));
      const size = Number.parseInt(tarText(header, 124, 12) || '0', 8);
      const mode = Number.parseInt(tarText(header, 100, 8) || '600', 8);
      const type = String.fromCharCode(header[156] ?? 0);
      const target = path.resolve(partial, `.${path.posix.resolve('/', name)}`);
      if (type === '5') {
        mkdirSync(target, { recursive: true, mode });
      } else if (type === '0' || type === '\0') {
        mkdirSync(path.dirname(target), { recursive: true });
        const out = openSync(target, 'w', mode);
        try {
          for (let done = 0; done < size; ) {
            const read = readSync(tar, chunk, 0, Math.min(chunk.length, size - done), position + done);
            if (read === 0) throw new Error(`the embedded database template ends inside ${name}`);
            writeSync(out, chunk, 0, read);
            done += read;
          }
        } finally {
          closeSync(out);
        }
      } else {
        throw new Error(`the embedded database template holds an entry of type "${type}" (${name})`);
      }
      position += Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    }
    renameSync(partial, pgdata);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    closeSync(tar);
  }
  return true;
}

const TAR_BLOCK = 512;

/** A NUL-terminated text field of a tar header. */
function tarText(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end).trim();
}

/** Whether an embedded database directory has nothing in it yet (a new data directory). */
export function isEmptyOrMissing(directory: string): boolean {
  return !existsSync(directory) || readdirSync(directory).length === 0;
}
