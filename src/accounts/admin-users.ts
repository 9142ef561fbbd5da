import { type Kysely, sql } from 'kysely';
import type { DB, User } from '../db/types.ts';
import { revokeAllApiKeys } from './api-keys.ts';
import { rolesOfMany } from './roles.ts';
import { revokeAllSessions } from './sessions.ts';

export interface AdminUserView {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  isActive: boolean;
  isAdmin: boolean;
  roles: string[];
  planType: string;
  lastLoginAt: string | null;
  createdAt: string;
  deletedAt: string | null;
}

function toView(user: User, roles: string[]): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    isActive: user.is_active,
    isAdmin: roles.includes('admin'),
    roles,
    planType: user.plan_type,
    lastLoginAt: user.last_login_at?.toISOString() ?? null,
    createdAt: user.created_at.toISOString(),
    deletedAt: user.deleted_at?.toISOString() ?? null,
  };
}

export async function listUsers(
  db: Kysely<DB>,
  filter: { q?: string | undefined; includeDeleted: boolean; isActive?: boolean | undefined },
  page: { limit: number; cursor: string | undefined },
): Promise<{ items: AdminUserView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (!filter.includeDeleted) query = query.where('deleted_at', 'is', null);
  if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([
        eb('email', 'like', like),
        eb(sql<string>`lower(coalesce(username, ''))`, 'like', like),
        eb(sql<string>`lower(coalesce(name, ''))`, 'like', like),
      ]),
    );
  }
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query.execute();
  const users = rows.slice(0, page.limit);
  const roles = await rolesOfMany(
    db,
    users.map((u) => u.id),
  );
  const items = users.map((u) => toView(u, roles.get(u.id) ?? []));
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function getUserForAdmin(db: Kysely<DB>, id: string): Promise<AdminUserView | undefined> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!user) return undefined;
  const roles = await rolesOfMany(db, [id]);
  return toView(user, roles.get(id) ?? []);
}

/** is_active false: sign-in is refused, sessions end and API keys stop working at once. */
export async function deactivateUser(db: Kysely<DB>, id: string): Promise<void> {
  await db.updateTable('users').set({ is_active: false }).where('id', '=', id).execute();
  await revokeAllSessions(db, id);
}

export async function activateUser(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_active: true })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Soft delete: the row stays for history (audit, runs), the email becomes free, access ends. */
export async function softDeleteUser(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_active: false, deleted_at: new Date() })
    .where('id', '=', id)
    .execute();
  await revokeAllSessions(db, id);
  await revokeAllApiKeys(db, id);
}
