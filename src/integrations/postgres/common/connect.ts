import pg from 'pg';

export interface PostgresAuth {
  connectionString: string;
}

/** A database error in words a user can act on: SQLSTATE code, message, and the hint when there is one. */
export class PostgresError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'PostgresError';
    this.code = code;
  }
}

function connectionStringOf(auth: unknown): string {
  const value =
    auth && typeof auth === 'object' ? (auth as Record<string, unknown>)['connectionString'] : undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PostgresError('PostgreSQL: the connection has no connection string');
  }
  return value.trim();
}

function readable(error: unknown): PostgresError {
  const e = error as { message?: string; code?: string; hint?: string; position?: string };
  const parts = [`PostgreSQL: ${e.message ?? String(error)}`];
  if (e.code) parts[0] += ` (SQLSTATE ${e.code})`;
  if (e.position) parts.push(`at character ${e.position}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  return new PostgresError(parts.join('; '), e.code);
}

const INT8 = 20;

/** int8 as a number while it is exact, as text beyond 2^53 (ids of very large tables). */
function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** This connection's own type parsers: the process-wide ones belong to Area's database. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/**
 * A statement with its values, always through the extended protocol: values are bound by the server,
 * and a string holding several statements is refused even when there are no values.
 */
export function statement(text: string, values: readonly unknown[]): pg.QueryConfig {
  return { text, values: [...values], queryMode: 'extended' } as pg.QueryConfig;
}

export interface ConnectOptions {
  signal?: AbortSignal;
  /** Server-side limit for each statement (default 30 s). */
  statementTimeoutMs?: number;
}

/**
 * One short-lived connection per call: the user's database is not ours to hold a pool open on, and a
 * workflow run is rare next to a query. The connection closes when `use` ends or the run is cancelled.
 */
export async function withConnection<T>(
  auth: unknown,
  options: ConnectOptions,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: connectionStringOf(auth),
    application_name: 'area',
    types,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  // An error after connect (server gone) is reported by the query that notices it.
  client.on('error', () => {});
  const abort = () => void client.end().catch(() => {});
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    return await use(client);
  } catch (error) {
    if (error instanceof PostgresError) throw error;
    throw readable(error);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await client.end().catch(() => {});
  }
}

/** A row made JSON-safe: dates as ISO strings, bytes as base64. Big numbers already come as strings. */
export function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = jsonValue(value);
  return out;
}

export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  return value;
}

/** `schema.table` or `table`, each part quoted as an identifier (never interpolated raw). */
export function qualifiedName(name: string): string {
  const parts = name.trim().split('.');
  if (parts.length > 2 || parts.some((p) => p === ''))
    throw new PostgresError(`PostgreSQL: "${name}" is not a table name`);
  return parts.map((p) => pg.escapeIdentifier(p)).join('.');
}

export const TABLE_PATTERN = '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$';
export const COLUMN_PATTERN = '^[A-Za-z_][A-Za-z0-9_$]*$';
