import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { SchemaScopedIntrospector } from './scoped-introspector.ts';

/**
 * Kysely dialect over one PGlite instance.
 *
 * PGlite is a single session. Plain queries go through `pglite.query`, which PGlite runs one at a
 * time. A Kysely transaction is mapped onto `pglite.transaction(...)`, which holds PGlite's
 * transaction lock for its whole life, so other users of the same instance (the job queue) wait
 * instead of slipping their statements into our transaction.
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#pglite);
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.#pglite);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).finish(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).finish(false);
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #tx: Transaction | undefined;
  #end: ((commit: boolean) => void) | undefined;
  #done: Promise<unknown> | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async begin(): Promise<void> {
    const { promise: started, resolve: onStarted } = Promise.withResolvers<void>();
    this.#done = this.#pglite.transaction(async (tx) => {
      this.#tx = tx;
      const commit = await new Promise<boolean>((resolve) => {
        this.#end = resolve;
        onStarted();
      });
      if (!commit) await tx.rollback();
    });
    // A failed BEGIN rejects `done` before `started` resolves.
    await Promise.race([started, this.#done]);
  }

  async finish(commit: boolean): Promise<void> {
    const done = this.#done;
    this.#end?.(commit);
    this.#tx = undefined;
    this.#end = undefined;
    this.#done = undefined;
    await done;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const runner = this.#tx ?? this.#pglite;
    const result = await runner.query<R>(query.sql, query.parameters as unknown[], { rowMode: 'object' });
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined && query.query.kind !== 'SelectQueryNode'
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported by PGlite; fail loudly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries');
  }
}

export { CompiledQuery };
