import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { fromPglite, PgBoss } from 'pg-boss';
import { type Database, openDatabase } from './connect.ts';
import { migrateUp } from './migrator.ts';
import { pgliteTemplatePath } from './pglite-template-file.ts';

/**
 * A freshly initialised and migrated embedded database, dumped once at install time.
 * Creating a PGlite data directory runs initdb (2 to 3 s here) and the migrations (about 1 s);
 * unpacking this dump into a new DATA_DIR takes well under a second, which is what makes the very
 * first `npm start` quick. The job queue's tables are installed too (pg-boss's own install, about
 * 0.3 s of every first start otherwise), and what a first start writes of the code's own data: the
 * integration catalog and the template gallery with their fingerprints (sync-fingerprints.ts), 0.2 to
 * 0.3 s of a first start otherwise. A start whose code declares something else brings the rows in line
 * as it always does. pglite-template-file.ts finds and unpacks the dump.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * initdb leaves two template databases beside the one Area uses, 600 of the dump's 1,240 files and
 * 15 of its 42 MB. They only serve CREATE DATABASE, which Area never runs on the embedded server;
 * creating a file costs about 0.7 ms on the disks measured, so they were half of a first start's
 * unpacking (0.85 -> 0.4 s).
 */
async function dropTemplateDatabases(pglite: PGlite): Promise<void> {
  await pglite.exec(
    `UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`,
  );
  await pglite.exec('DROP DATABASE template0');
  await pglite.exec('DROP DATABASE template1');
}

/** The catalog and the template gallery, written the way a start of the api role writes them. */
async function writeShippedData(database: Database): Promise<void> {
  const { createApp } = await import('../main.ts');
  const { loadConfig } = await import('../config.ts');
  // A throwaway configuration: nothing of it is written into the database.
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'area-template-')),
    LOG_LEVEL: 'silent',
    AREA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    AREA_JWT_SECRET: randomBytes(32).toString('hex'),
  });
  try {
    const app = await createApp(config, { database, migrate: false, roles: ['api'] });
    try {
      await app.server?.ready();
    } finally {
      await app.close();
    }
  } finally {
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

export async function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return file;
  const database = await openDatabase({});
  await migrateUp(database.db);
  // The queue's schema, as the queue installs it on its first start (the same backend and schema).
  const boss = new PgBoss({
    db: fromPglite(database.pglite!),
    backend: 'pglite',
    supervise: false,
    schedule: false,
    registerInstance: false,
  });
  await boss.start();
  await boss.stop({ graceful: false });
  await writeShippedData(database);
  await dropTemplateDatabases(database.pglite!);
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
