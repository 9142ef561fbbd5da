import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
