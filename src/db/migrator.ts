import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import {
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
  NO_MIGRATIONS,
} from 'kysely/migration';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.ts$/;

/** Every numbered file in ./migrations, keyed by its name without the extension. */
class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => MIGRATION_FILE.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href)) as Migration;
      migrations[file.replace(/\.ts$/, '')] = { up: module.up, down: module.down };
    }
    return migrations;
  }
}

/**
 * The migrator works in the connection's current schema, named explicitly so that a migration table
 * of another schema on the search path (public) is never mistaken for this one.
 */
export async function createMigrator<T>(db: Kysely<T>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return new Migrator({
    db,
    migrationTableSchema: rows[0]!.schema,
    provider: new FolderMigrationProvider(),
    migrationTableName: 'area_migrations',
    migrationLockTableName: 'area_migrations_lock',
  });
}

export class MigrationError extends Error {
  readonly results: MigrationResult[];
  constructor(message: string, results: MigrationResult[], cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
    this.results = results;
  }
}

function unwrap(result: { error?: unknown; results?: MigrationResult[] }, what: string): MigrationResult[] {
  const results = result.results ?? [];
  if (result.error) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(
      `${what} failed${failed ? ` at ${failed.migrationName}` : ''}: ${reason}`,
      results,
      result.error,
    );
  }
  return results;
}

/**
 * Whether every migration file has been applied in the connection's current schema, read in two small
 * queries without the migrator (its table checks and lock took 30 to 100 ms of every start with
 * nothing to apply). False when the migrations table is missing or holds other names.
 */
export async function allMigrationsApplied<T>(db: Kysely<T>): Promise<boolean> {
  const files = (await fs.readdir(MIGRATIONS_DIR))
    .filter((f) => MIGRATION_FILE.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const { rows } = await sql<{ table: string | null }>`
    SELECT CASE WHEN to_regclass(t.name) IS NOT NULL THEN t.name END AS table
    FROM (SELECT format('%I.area_migrations', current_schema()) AS name) t`.execute(db);
  const table = rows[0]?.table;
  if (!table) return false;
  const applied = await sql<{ name: string }>`SELECT name FROM ${sql.raw(table)} ORDER BY name`.execute(db);
  const names = applied.rows.map((row) => row.name).sort();
  return names.length === files.length && names.every((name, i) => name === files[i]);
}

export async function migrateUp<T>(db: Kysely<T>): Promise<MigrationResult[]> {
  return unwrap(await (await createMigrator(db)).migrateToLatest(), 'Migration up');
}

export async function migrateDown<T>(db: Kysely<T>, all = false): Promise<MigrationResult[]> {
  const migrator = await createMigrator(db);
  return unwrap(
    all ? await migrator.migrateTo(NO_MIGRATIONS) : await migrator.migrateDown(),
    'Migration down',
  );
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | undefined;
}

export async function migrationStatus<T>(db: Kysely<T>): Promise<MigrationStatus[]> {
  const list = await (await createMigrator(db)).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt }));
}

/** Writes the skeleton of a new migration, numbered after the last one. Returns its path. */
export async function createMigrationFile(name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new Error('Migration NAME must be snake_case: lower-case letters, digits and underscores');
  }
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => MIGRATION_FILE.test(f));
  const last = files.map((f) => Number(f.slice(0, 4))).reduce((a, b) => Math.max(a, b), 0);
  const file = path.join(MIGRATIONS_DIR, `${String(last + 1).padStart(4, '0')}_${name}.ts`);
  const body = `import { type Kysely, sql } from 'kysely';
import { run } from '../migration-kit.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, []);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, []);
}
`;
  await fs.writeFile(file, body, { flag: 'wx' });
  return file;
}
