import type { Kysely } from 'kysely';
import { run } from '../migration-kit.ts';

// What the code ships into the database at start (the integration catalog, the template gallery) is
// written together with a fingerprint of it; a start whose fingerprint matches skips reading and
// comparing those rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE sync_fingerprints (
      name varchar(150) PRIMARY KEY,
      fingerprint varchar(64) NOT NULL,
      synced_at timestamptz NOT NULL DEFAULT now()
    )`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP TABLE sync_fingerprints']);
}
