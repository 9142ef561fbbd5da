import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './types.ts';

/**
 * Fingerprints of what the code ships into the database at start (the integration catalog, the
 * template gallery). Each is written in the transaction that writes its rows, so a fingerprint that
 * matches what the code declares now means the rows hold exactly that, and a start can skip reading
 * them (the catalog's JSON columns cost 0.1-0.2 s to read and compare on the embedded database).
 * Only the code writes those rows; a change made to them by hand is put right by the next start that
 * brings a different catalog or gallery.
 */

/** SHA-256 of the JSON of what is written: the same code gives the same text, key order included. */
export function fingerprintOf(written: unknown): string {
  return createHash('sha256').update(JSON.stringify(written)).digest('hex');
}

/** The stored fingerprints whose name is `name` or starts with `name/`, by name. */
export async function storedFingerprints(db: Kysely<DB>, name: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('sync_fingerprints')
    .select(['name', 'fingerprint'])
    .where((eb) =>
      eb.or([eb('name', '=', name), eb(eb.fn('starts_with', ['name', eb.val(`${name}/`)]), '=', true)]),
    )
    .execute();
  return new Map(rows.map((row) => [row.name, row.fingerprint]));
}

/** Records the fingerprints (by name) of what `trx` has just written. */
export async function recordFingerprints(
  trx: Transaction<DB>,
  fingerprints: Map<string, string>,
): Promise<void> {
  if (fingerprints.size === 0) return;
  await trx
    .insertInto('sync_fingerprints')
    .values([...fingerprints].map(([name, fingerprint]) => ({ name, fingerprint })))
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ fingerprint: eb.ref('excluded.fingerprint'), synced_at: new Date() })),
    )
    .execute();
}

/** Forgets fingerprints of what is no longer shipped. */
export async function forgetFingerprints(trx: Transaction<DB>, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await trx.deleteFrom('sync_fingerprints').where('name', 'in', names).execute();
}
