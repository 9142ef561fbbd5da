import { type Kysely, sql } from 'kysely';

export interface CatalogSnapshot {
  columns: string[];
  constraints: string[];
  indexes: string[];
  triggers: string[];
  views: string[];
}

/**
 * The schema as the database sees it (tables, columns, constraints, indexes, triggers, views) in
 * current_schema(), as sorted text lines, so two states of a database can be compared.
 */
export async function catalogSnapshot<T>(db: Kysely<T>): Promise<CatalogSnapshot> {
  const columns = await sql<{ line: string }>`
    SELECT c.table_name || '.' || c.column_name || ' ' || c.data_type || ' ' || c.is_nullable || ' ' ||
      COALESCE(c.column_default, '-') AS line
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.table_name NOT LIKE 'area_migrations%'
    ORDER BY 1`.execute(db);
  const constraints = await sql<{ line: string }>`
    SELECT rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) AS line
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE rel.relnamespace = current_schema()::regnamespace AND rel.relname NOT LIKE 'area_migrations%'
    ORDER BY 1`.execute(db);
  const indexes = await sql<{ line: string }>`
    SELECT indexdef AS line FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename NOT LIKE 'area_migrations%'
    ORDER BY 1`.execute(db);
  const triggers = await sql<{ line: string }>`
    SELECT rel.relname || ' ' || t.tgname AS line
    FROM pg_trigger t JOIN pg_class rel ON rel.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND rel.relnamespace = current_schema()::regnamespace
    ORDER BY 1`.execute(db);
  const views = await sql<{ line: string }>`
    SELECT viewname || ' ' || md5(definition) AS line FROM pg_views WHERE schemaname = current_schema()
    ORDER BY 1`.execute(db);
  return {
    columns: columns.rows.map((r) => r.line),
    constraints: constraints.rows.map((r) => r.line),
    indexes: indexes.rows.map((r) => r.line),
    triggers: triggers.rows.map((r) => r.line),
    views: views.rows.map((r) => r.line),
  };
}
