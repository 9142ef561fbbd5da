import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';

const names = new Map<string, string>();

/**
 * The engine's hot statements (intake, run endings) as named prepared statements: each connection
 * parses and plans one the first time it sends it and reuses that plan afterwards. Their text never
 * changes (only their parameters do), so one name per text; the name is derived from the text.
 */
export function preparedQuery(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `area_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

/** A compiled Kysely statement as a named prepared statement. */
export function prepared(query: CompiledQuery): pg.QueryConfig {
  return preparedQuery(query.sql, query.parameters);
}
