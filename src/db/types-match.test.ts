import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';

/**
 * The hand-written row types in types.ts must name exactly the columns the migrations create.
 * Read from the source text: `DB` maps each table to its interface, each interface lists its columns.
 */
function declaredColumns(): Map<string, string[]> {
  const source = readFileSync(new URL('./types.ts', import.meta.url), 'utf8');
  const interfaces = new Map<string, string[]>();
  for (const match of source.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields = [...match[2]!.matchAll(/^\s{2}(\w+)\??:/gm)].map((m) => m[1]!);
    interfaces.set(match[1]!, fields);
  }
  const db = /export interface DB \{([\s\S]*?)\n\}/.exec(source)![1]!;
  const tables = new Map<string, string[]>();
  for (const [, table, type] of db.matchAll(/^\s{2}(\w+): (\w+);/gm)) {
    tables.set(table!, interfaces.get(type!) ?? []);
  }
  return tables;
}

describe(`table types match the schema (${TEST_DB_KIND})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('lists every table and view with exactly its columns', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name NOT LIKE 'area_migrations%'`.execute(database.db);
    const live = new Map<string, string[]>();
    for (const row of rows) live.set(row.table_name, [...(live.get(row.table_name) ?? []), row.column_name]);
    const declared = declaredColumns();
    expect([...declared.keys()].sort()).toEqual([...live.keys()].sort());
    for (const [table, columns] of live) {
      expect(declared.get(table)?.slice().sort(), table).toEqual(columns.slice().sort());
    }
  });
});
