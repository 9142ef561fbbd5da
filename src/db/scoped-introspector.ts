import {
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/**
 * What Kysely's migrator asks of the database (does the migration table exist?), answered from the
 * schemas on the search path only, by name.
 *
 * Kysely's own Postgres introspector reads every column of every table of every schema through
 * functions that re-resolve names; on a server where other processes create and drop schemas at the
 * same time (parallel test runs, several tenants) that read fails with "schema ... does not exist".
 * Columns are not listed: nothing in Area reads them from here.
 */
export class SchemaScopedIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT unnest(current_schemas(false)) AS name`.execute(
      this.#db,
    );
    return rows.map((r) => ({ name: r.name }));
  }

  async getTables(_options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      SELECT c.relname AS name, n.nspname AS schema, c.relkind AS kind
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p', 'v', 'm')`.execute(this.#db);
    return rows.map((r) => ({
      name: r.name,
      schema: r.schema,
      isView: r.kind === 'v' || r.kind === 'm',
      isForeign: false,
      columns: [],
    }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables(options) };
  }
}

/** Kysely's PostgreSQL dialect with the schema-scoped introspector. */
export class ScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db);
  }
}
