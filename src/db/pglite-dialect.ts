import { type PGlite, parse, protocol, type Results, type Transaction } from '@electric-sql/pglite';
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

/** A statement prepared in the embedded server: its name and the types of its parameters. */
interface PreparedStatement {
  name: string;
  paramTypes: number[];
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Statements with parameters run as named prepared statements, one per SQL text: the server parses
 * and plans each text once (then reuses a generic plan), and an execution is one call into the
 * server (bind, describe, execute, sync) instead of PGlite's six (parse, describe, bind, describe,
 * execute, sync) with a parse and plan each time. Texts without parameters (DDL, scripts of several
 * statements) go through PGlite's own query path.
 */
class StatementCache {
  readonly #pglite: PGlite;
  // Insertion order is recency order: a use moves a statement to the end.
  readonly #statements = new Map<string, PreparedStatement>();
  #next = 0;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  /** Runs a statement with parameters; the caller holds PGlite's query lock. */
  async run<R>(text: string, params: readonly unknown[], inTransaction: boolean): Promise<Results<R>> {
    try {
      return await this.#execute<R>(await this.#prepare(text), params, inTransaction);
    } catch (error) {
      // The table under a statement changed shape (a migration): prepare it again, once.
      if ((error as { code?: string }).code !== '0A000') throw error;
      await this.#forget(text);
      return await this.#execute<R>(await this.#prepare(text), params, inTransaction);
    }
  }

  async #prepare(text: string): Promise<PreparedStatement> {
    const known = this.#statements.get(text);
    if (known) {
      this.#statements.delete(text);
      this.#statements.set(text, known);
      return known;
    }
    const name = `area_s${this.#next++}`;
    const { messages } = await this.#pglite.execProtocol(
      concat([
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.#statements.set(text, statement);
    if (this.#statements.size > STATEMENT_CACHE_LIMIT) {
      const oldest = this.#statements.keys().next().value as string;
      await this.#forget(oldest);
    }
    return statement;
  }

  async #forget(text: string): Promise<void> {
    const statement = this.#statements.get(text);
    if (!statement) return;
    this.#statements.delete(text);
    await this.#pglite.execProtocol(
      concat([protocol.serialize.close({ type: 'S', name: statement.name }), protocol.serialize.sync()]),
      { syncToFs: false },
    );
  }

  async #execute<R>(
    statement: PreparedStatement,
    params: readonly unknown[],
    inTransaction: boolean,
  ): Promise<Results<R>> {
    const { serializers, parsers } = this.#pglite;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = serializers[statement.paramTypes[i] ?? 0];
      return serialize ? serialize(value) : String(value);
    });
    const { messages } = await this.#pglite.execProtocol(
      concat([
        protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
      // Outside a transaction the write reaches the data directory as after any query.
      { syncToFs: !inTransaction },
    );
    return parse.parseResults(messages, parsers, { rowMode: 'object' })[0] as Results<R>;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const caches = new WeakMap<PGlite, StatementCache>();

function statementsOf(pglite: PGlite): StatementCache {
  let cache = caches.get(pglite);
  if (!cache) {
    cache = new StatementCache(pglite);
    caches.set(pglite, cache);
  }
  return cache;
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  readonly #statements: StatementCache;
  #tx: Transaction | undefined;
  #end: ((commit: boolean) => void) | undefined;
  #done: Promise<unknown> | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
    this.#statements = statementsOf(pglite);
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
    const result = await this.#run<R>(query.sql, query.parameters);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined && query.query.kind !== 'SelectQueryNode'
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  #run<R>(text: string, params: readonly unknown[]): Promise<Results<R>> {
    if (params.length === 0) {
      const runner = this.#tx ?? this.#pglite;
      return runner.query<R>(text, [], { rowMode: 'object' });
    }
    const pglite = this.#pglite;
    const statements = this.#statements;
    // The same locks PGlite's own query takes: inside our transaction only the query lock (the
    // transaction lock is ours already), outside it both, so nothing slips into another's transaction.
    if (this.#tx) return pglite._runExclusiveQuery(() => statements.run<R>(text, params, true));
    return pglite
      ._checkReady()
      .then(() =>
        pglite._runExclusiveTransaction(() =>
          pglite._runExclusiveQuery(() => statements.run<R>(text, params, false)),
        ),
      );
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported by PGlite; fail loudly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries');
  }
}

export { CompiledQuery };
