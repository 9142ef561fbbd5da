import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, DB } from '../db/types.ts';
import { generateApiKey } from './api-key-format.ts';

/** An API key as the API shows it: never the key itself (except once at creation) nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  usageCount: number;
  isActive: boolean;
  revokedAt: string | null;
  createdAt: string;
}

const VIEW_COLUMNS = [
  'id',
  'key_name',
  'key_prefix',
  'permissions',
  'expires_at',
  'last_used_at',
  'usage_count',
  'is_active',
  'revoked_at',
  'created_at',
] as const;

type ViewRow = Pick<Selectable<ApiKeysTable>, (typeof VIEW_COLUMNS)[number]>;

export function toApiKeyView(row: ViewRow): ApiKeyView {
  return {
    id: row.id,
    name: row.key_name,
    prefix: row.key_prefix,
    scopes: row.permissions,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    usageCount: row.usage_count,
    isActive: row.is_active,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function createApiKey(
  db: Kysely<DB>,
  userId: string,
  input: { name: string; scopes: string[]; expiresAt: Date | null },
): Promise<{ key: string; view: ApiKeyView } | { conflict: true }> {
  const taken = await db
    .selectFrom('api_keys')
    .select('id')
    .where('user_id', '=', userId)
    .where('key_name', '=', input.name)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (taken) return { conflict: true };
  const generated = generateApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      user_id: userId,
      key_name: input.name,
      key_prefix: generated.prefix,
      key_hash: generated.hash,
      permissions: input.scopes,
      expires_at: input.expiresAt,
    })
    .returning(VIEW_COLUMNS)
    .executeTakeFirstOrThrow();
  return { key: generated.key, view: toApiKeyView(row) };
}

/** The caller's keys, newest first (ids are time ordered). */
export async function listApiKeys(
  db: Kysely<DB>,
  userId: string,
  page: { limit: number; cursor: string | undefined; includeRevoked: boolean },
): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (!page.includeRevoked) query = query.where('is_active', '=', true);
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toApiKeyView);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function getApiKey(db: Kysely<DB>, userId: string, id: string): Promise<ApiKeyView | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toApiKeyView(row) : undefined;
}

/** Renames a key; undefined when the caller has no such key. */
export async function renameApiKey(
  db: Kysely<DB>,
  userId: string,
  id: string,
  name: string,
): Promise<ApiKeyView | undefined> {
  const row = await db
    .updateTable('api_keys')
    .set({ key_name: name })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning(VIEW_COLUMNS)
    .executeTakeFirst();
  return row ? toApiKeyView(row) : undefined;
}

/** Revokes a key for good; false when the caller has no such active key. */
export async function revokeApiKey(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('api_keys')
    .set({ is_active: false, revoked_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('is_active', '=', true)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes every key of a user (deactivation, deletion). */
export async function revokeAllApiKeys(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ is_active: false, revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('is_active', '=', true)
    .execute();
}
