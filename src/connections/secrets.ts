import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { KeyRing } from './crypto.ts';

/** A secret as the API shows it: never the value. */
export interface SecretView {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

type Row = { id: string; name: string; description: string | null; created_at: Date; updated_at: Date };
const view = (r: Row): SecretView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

interface Deps {
  db: Kysely<DB>;
  keys: KeyRing;
}

function owned(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('secrets')
    .select(['id', 'name', 'description', 'created_at', 'updated_at'])
    .where('user_id', '=', userId);
}

export async function getSecret(deps: Deps, userId: string, id: string): Promise<SecretView> {
  const row = await owned(deps.db, userId).where('id', '=', id).executeTakeFirst();
  if (!row) throw AppError.notFound('Secret');
  return view(row);
}

export async function listSecrets(
  deps: Deps,
  userId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: SecretView[]; nextCursor: string | null }> {
  let q = owned(deps.db, userId);
  if (options.cursor) q = q.where('name', '>', options.cursor);
  const rows = await q
    .orderBy('name')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(view),
    nextCursor: rows.length > options.limit ? page[page.length - 1]!.name : null,
  };
}

async function nameTaken(db: Kysely<DB>, userId: string, name: string, exceptId?: string) {
  let q = db.selectFrom('secrets').select('id').where('user_id', '=', userId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

const conflict = (name: string) =>
  new AppError('conflict', `name: you already have a secret named ${name}`, {
    details: { problems: [{ path: 'name', rule: 'unique', message: 'is already used by another secret' }] },
  });

export async function createSecret(
  deps: Deps,
  userId: string,
  input: { name: string; value: string; description?: string | undefined },
): Promise<SecretView> {
  if (await nameTaken(deps.db, userId, input.name)) throw conflict(input.name);
  const row = await deps.db
    .insertInto('secrets')
    .values({
      user_id: userId,
      name: input.name,
      description: input.description ?? null,
      encrypted_payload: deps.keys.seal(input.value),
    })
    .returning(['id', 'name', 'description', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow();
  return view(row);
}

export async function updateSecret(
  deps: Deps,
  userId: string,
  id: string,
  changes: { name?: string | undefined; value?: string | undefined; description?: string | null | undefined },
): Promise<SecretView> {
  await getSecret(deps, userId, id);
  if (changes.name !== undefined && (await nameTaken(deps.db, userId, changes.name, id)))
    throw conflict(changes.name);
  const set: { name?: string; description?: string | null; encrypted_payload?: string } = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.value !== undefined) set.encrypted_payload = deps.keys.seal(changes.value);
  if (Object.keys(set).length > 0) {
    await deps.db
      .updateTable('secrets')
      .set(set)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .execute();
  }
  return getSecret(deps, userId, id);
}

export async function deleteSecret(deps: Deps, userId: string, id: string): Promise<void> {
  const result = await deps.db
    .deleteFrom('secrets')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw AppError.notFound('Secret');
}

/**
 * The decrypted secrets of a user, `{ NAME: value }`, for `{{ secrets.NAME }}` in templates.
 * With `names`, only those (missing names are simply absent). A value that does not open throws
 * (a wrong or missing key must never pass silently).
 */
export async function loadSecrets(
  db: Kysely<DB>,
  keys: KeyRing,
  userId: string,
  names?: readonly string[],
): Promise<Record<string, string>> {
  if (names && names.length === 0) return {};
  let q = db.selectFrom('secrets').select(['name', 'encrypted_payload']).where('user_id', '=', userId);
  if (names) q = q.where('name', 'in', [...names]);
  const rows = await q.execute();
  const out: Record<string, string> = Object.create(null);
  for (const row of rows) out[row.name] = keys.open(row.encrypted_payload);
  return out;
}
