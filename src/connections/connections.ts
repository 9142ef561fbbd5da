import type { Kysely } from 'kysely';
import { AUTH_OPTION_FIELD } from '../catalog/auth-options.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { ConnectionStatus, DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { createConnectionRow } from './connection-row.ts';
import { checkCredentials, credentialsToStore } from './credentials.ts';
import type { KeyRing } from './crypto.ts';

export interface ConnectionDeps {
  db: Kysely<DB>;
  keys: KeyRing;
  catalog: Catalog;
}

/** A connection as the API shows it: never the credentials, only which fields are set. */
export interface ConnectionView {
  id: string;
  serviceKey: string;
  serviceName: string;
  authType: string;
  name: string;
  config: Record<string, unknown>;
  status: ConnectionStatus;
  credentialFields: string[];
  tokenExpiresAt: string | null;
  lastTestedAt: string | null;
  lastUsedAt: string | null;
  errorMessage: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function baseQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('connections')
    .innerJoin('services', 'services.id', 'connections.service_id')
    .select([
      'connections.id',
      'connections.name',
      'connections.config',
      'connections.status',
      'connections.encrypted_credentials',
      'connections.token_expires_at',
      'connections.last_tested_at',
      'connections.last_used_at',
      'connections.error_message',
      'connections.metadata',
      'connections.created_at',
      'connections.updated_at',
      'services.key as service_key',
      'services.name as service_name',
      'services.auth_type',
    ])
    .where('connections.user_id', '=', userId)
    .where('connections.deleted_at', 'is', null);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function fieldsOf(keys: KeyRing, sealed: string): string[] {
  try {
    const value = keys.openJson<Record<string, unknown>>(sealed);
    // A service with alternatives connected through the OAuth2 flow.
    if (value?.[AUTH_OPTION_FIELD] === 'oauth2') return ['accessToken', 'refreshToken'];
    return Object.keys(value ?? {}).filter(
      (k) => value[k] !== undefined && value[k] !== null && value[k] !== '',
    );
  } catch {
    return [];
  }
}

function view(keys: KeyRing, row: Row): ConnectionView {
  const credentialFields =
    row.auth_type === 'oauth2' ? ['accessToken', 'refreshToken'] : fieldsOf(keys, row.encrypted_credentials);
  return {
    id: row.id,
    serviceKey: row.service_key,
    serviceName: row.service_name,
    authType: row.auth_type,
    name: row.name,
    config: (row.config ?? {}) as Record<string, unknown>,
    status: row.status,
    credentialFields,
    tokenExpiresAt: iso(row.token_expires_at),
    lastTestedAt: iso(row.last_tested_at),
    lastUsedAt: iso(row.last_used_at),
    errorMessage: row.error_message,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function getConnection(
  deps: ConnectionDeps,
  userId: string,
  id: string,
): Promise<ConnectionView> {
  const row = await baseQuery(deps.db, userId).where('connections.id', '=', id).executeTakeFirst();
  if (!row) throw AppError.notFound('Connection');
  return view(deps.keys, row);
}

export async function listConnections(
  deps: ConnectionDeps,
  userId: string,
  options: { limit: number; cursor?: string | undefined; serviceKey?: string | undefined },
): Promise<{ items: ConnectionView[]; nextCursor: string | null }> {
  let query = baseQuery(deps.db, userId);
  if (options.serviceKey) query = query.where('services.key', '=', options.serviceKey);
  // Ids are UUIDv7: newest first by id is newest first by creation.
  if (options.cursor) query = query.where('connections.id', '<', options.cursor);
  const rows = await query
    .orderBy('connections.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((r) => view(deps.keys, r)),
    nextCursor: rows.length > options.limit ? page[page.length - 1]!.id : null,
  };
}

function serviceOrThrow(deps: ConnectionDeps, serviceKey: string) {
  const service = deps.catalog.service(serviceKey);
  if (!service?.id) {
    throw AppError.invalid([{ path: 'service', rule: 'exists', message: `unknown service "${serviceKey}"` }]);
  }
  return service;
}

async function nameTaken(
  deps: ConnectionDeps,
  userId: string,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  let q = deps.db
    .selectFrom('connections')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export interface NewConnection {
  service: string;
  name: string;
  credentials?: Record<string, unknown> | undefined;
  config?: Record<string, unknown> | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export async function createConnection(
  deps: ConnectionDeps,
  userId: string,
  input: NewConnection,
): Promise<ConnectionView> {
  const service = serviceOrThrow(deps, input.service);
  const problems = checkCredentials(service, input.credentials ?? {});
  if (problems.length > 0) throw AppError.invalid(problems);
  const id = await createConnectionRow(deps, userId, {
    serviceKey: service.key,
    name: input.name,
    credentials: credentialsToStore(service, input.credentials ?? {}),
    config: input.config,
    metadata: input.metadata,
    uniqueName: 'conflict',
  });
  return getConnection(deps, userId, id);
}

export interface ConnectionChanges {
  name?: string | undefined;
  credentials?: Record<string, unknown> | undefined;
  config?: Record<string, unknown> | undefined;
  metadata?: Record<string, unknown> | undefined;
  status?: 'active' | 'inactive' | undefined;
}

export async function updateConnection(
  deps: ConnectionDeps,
  userId: string,
  id: string,
  changes: ConnectionChanges,
): Promise<ConnectionView> {
  const current = await getConnection(deps, userId, id);
  const set: Record<string, unknown> = {};
  if (changes.name !== undefined && changes.name !== current.name) {
    if (await nameTaken(deps, userId, changes.name, id)) {
      throw new AppError('conflict', `name: you already have a connection named "${changes.name}"`, {
        details: {
          problems: [{ path: 'name', rule: 'unique', message: 'is already used by another connection' }],
        },
      });
    }
    set['name'] = changes.name;
  }
  if (changes.credentials !== undefined) {
    const service = serviceOrThrow(deps, current.serviceKey);
    const problems = checkCredentials(service, changes.credentials);
    if (problems.length > 0) throw AppError.invalid(problems);
    set['encrypted_credentials'] = deps.keys.sealJson(credentialsToStore(service, changes.credentials));
    // New credentials: the last test result no longer applies.
    set['status'] = 'active';
    set['error_message'] = null;
    set['last_tested_at'] = null;
  }
  if (changes.config !== undefined) set['config'] = JSON.stringify(changes.config);
  if (changes.metadata !== undefined) set['metadata'] = JSON.stringify(changes.metadata);
  if (changes.status !== undefined) set['status'] = changes.status;
  if (Object.keys(set).length > 0) {
    await deps.db
      .updateTable('connections')
      .set(set)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .execute();
  }
  return getConnection(deps, userId, id);
}

/** Soft delete; workflow nodes that used it keep their row and fail clearly at run time. */
export async function deleteConnection(deps: ConnectionDeps, userId: string, id: string): Promise<void> {
  const result = await deps.db
    .updateTable('connections')
    .set({ deleted_at: new Date(), status: 'inactive' })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw AppError.notFound('Connection');
}
