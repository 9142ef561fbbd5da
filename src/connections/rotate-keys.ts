import type { Kysely } from 'kysely';
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
  const result: RotationResult = { connections: 0, secrets: 0 };
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('connections')
      .select(['id', 'encrypted_credentials'])
      .where('id', '>', after || '00000000-0000-0000-0000-000000000000')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!keys.isStale(row.encrypted_credentials)) continue;
      const resealed = keys.seal(keys.open(row.encrypted_credentials));
      const r = await db
        .updateTable('connections')
        .set({ encrypted_credentials: resealed })
        .where('id', '=', row.id)
        .where('encrypted_credentials', '=', row.encrypted_credentials)
        .executeTakeFirst();
      result.connections += Number(r.numUpdatedRows);
    }
    after = rows[rows.length - 1]!.id;
  }
  after = '';
  for (;;) {
    const rows = await db
      .selectFrom('secrets')
      .select(['id', 'encrypted_payload'])
      .where('id', '>', after || '00000000-0000-0000-0000-000000000000')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!keys.isStale(row.encrypted_payload)) continue;
      const resealed = keys.seal(keys.open(row.encrypted_payload));
      const r = await db
        .updateTable('secrets')
        .set({ encrypted_payload: resealed })
        .where('id', '=', row.id)
        .where('encrypted_payload', '=', row.encrypted_payload)
        .executeTakeFirst();
      result.secrets += Number(r.numUpdatedRows);
    }
    after = rows[rows.length - 1]!.id;
  }
  return result;
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
