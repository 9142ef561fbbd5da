import type { Kysely } from 'kysely';
import { run } from '../migration-kit.ts';

// A running execution's lease: the process running it renews it while the run goes on, and no other
// worker takes the run before it lapses (a worker that died stops renewing, so its runs are resumed).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, ['ALTER TABLE executions ADD COLUMN lease_until timestamptz']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['ALTER TABLE executions DROP COLUMN lease_until']);
}
