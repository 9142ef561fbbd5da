import type { Kysely } from 'kysely';
import type { DB, JsonValue } from '../db/types.ts';

export interface PreferenceView {
  key: string;
  value: JsonValue;
  updatedAt: string;
}

/** The same rule as the CHECK on user_preferences.preference_key. */
export const PREFERENCE_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;
/** A preference is a small setting, not storage. */
export const MAX_PREFERENCE_BYTES = 64 * 1024;

export async function listPreferences(db: Kysely<DB>, userId: string): Promise<PreferenceView[]> {
  const rows = await db
    .selectFrom('user_preferences')
    .select(['preference_key', 'preference_value', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('preference_key')
    .execute();
  return rows.map((r) => ({
    key: r.preference_key,
    value: r.preference_value,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function getPreference(
  db: Kysely<DB>,
  userId: string,
  key: string,
): Promise<PreferenceView | undefined> {
  const row = await db
    .selectFrom('user_preferences')
    .select(['preference_key', 'preference_value', 'updated_at'])
    .where('user_id', '=', userId)
    .where('preference_key', '=', key)
    .executeTakeFirst();
  return row
    ? { key: row.preference_key, value: row.preference_value, updatedAt: row.updated_at.toISOString() }
    : undefined;
}

export async function putPreference(
  db: Kysely<DB>,
  userId: string,
  key: string,
  value: JsonValue,
): Promise<PreferenceView> {
  const json = JSON.stringify(value);
  const row = await db
    .insertInto('user_preferences')
    .values({ user_id: userId, preference_key: key, preference_value: json })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'preference_key'])
        .doUpdateSet({ preference_value: json, updated_at: new Date() }),
    )
    .returning(['preference_key', 'preference_value', 'updated_at'])
    .executeTakeFirstOrThrow();
  return { key: row.preference_key, value: row.preference_value, updatedAt: row.updated_at.toISOString() };
}

export async function deletePreference(db: Kysely<DB>, userId: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_preferences')
    .where('user_id', '=', userId)
    .where('preference_key', '=', key)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
