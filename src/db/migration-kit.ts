import { type Kysely, sql } from 'kysely';

/** Runs statements one by one: the embedded driver takes one statement per query. */
export async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

/** The trigger that keeps `updated_at` current on a table. */
export function updatedAtTrigger(table: string): string {
  return `CREATE TRIGGER trg_${table}_updated_at BEFORE UPDATE ON ${table}
    FOR EACH ROW EXECUTE FUNCTION area_set_updated_at()`;
}
