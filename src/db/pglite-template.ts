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
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './connect.ts';
import { MIGRATIONS_DIR, migrateUp } from './migrator.ts';

/**
 * A freshly initialised and migrated embedded database, dumped once at install time.
 * Creating a PGlite data directory runs initdb (2 to 3 s here) and the migrations (about 1 s);
 * unpacking this dump into a new DATA_DIR takes well under a second, which is what makes the very
 * first `npm start` quick. The file name carries a hash of the migrations, so a dump made before a
 * migration was added is never used.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function versionOf(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return String(pkg.version);
}

/** The engine and its extensions decide what a dump contains. */
function pgliteVersion(): string {
  return `${versionOf('@electric-sql/pglite')}-vector${versionOf('@electric-sql/pglite-pgvector')}`;
}

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

export async function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return file;
  const database = await openDatabase({});
  await migrateUp(database.db);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const file = await ensurePgliteTemplate();
    process.stdout.write(`area: embedded database template ready (${path.relative(ROOT, file)})\n`);
  } catch (error) {
    // Never fail an install over an optimisation: the first start then runs initdb itself.
    process.stdout.write(`area: skipped the embedded database template: ${(error as Error).message}\n`);
  }
  process.exit(0);
}
