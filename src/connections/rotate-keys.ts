import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { KeyRing } from './crypto.ts';

const BATCH = 200;

export interface RotationResult {
  connections: number;
  secrets: number;
}

/**
 * Re-seals every connection credential and secret not sealed with the ring's current key.
 * Each row is updated only if it still holds the value that was read, so a concurrent change is never
 * overwritten (it was sealed with the current key anyway). Safe to run again; it resumes where it stopped.
 */
export async function reencryptAll(db: Kysely<DB>, keys: KeyRing): Promise<RotationResult> {
  return {
    connections: await resealColumn(db, keys, 'connections', 'encrypted_credentials'),
    secrets: await resealColumn(db, keys, 'secrets', 'encrypted_payload'),
  };
}

/** Walks one table by id in batches and re-seals the stale values of its sealed column. */
async function resealColumn(
  db: Kysely<DB>,
  keys: KeyRing,
  table: 'connections' | 'secrets',
  column: 'encrypted_credentials' | 'encrypted_payload',
): Promise<number> {
  let resealedRows = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; sealed: string }>`
      SELECT id, ${sql.ref(column)} AS sealed FROM ${sql.table(table)}
      WHERE id > ${after} ORDER BY id LIMIT ${BATCH}`.execute(db);
    if (rows.length === 0) return resealedRows;
    for (const row of rows) {
      if (!keys.isStale(row.sealed)) continue;
      const resealed = keys.seal(keys.open(row.sealed));
      const updated = await sql`
        UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${resealed}
        WHERE id = ${row.id} AND ${sql.ref(column)} = ${row.sealed}`.execute(db);
      resealedRows += Number(updated.numAffectedRows ?? 0);
    }
    after = rows[rows.length - 1]!.id;
  }
}

/** How many values are still sealed with an older key. */
export async function countStale(db: Kysely<DB>, keys: KeyRing): Promise<number> {
  const prefix = `v1:${keys.current.id}:`;
  const c = await db
    .selectFrom('connections')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('encrypted_credentials', 'not like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  const s = await db
    .selectFrom('secrets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('encrypted_payload', 'not like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  return Number(c.n) + Number(s.n);
}
