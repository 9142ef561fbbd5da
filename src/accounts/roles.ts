import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

/** The built-in roles; `admin` administers the instance, `member` builds and runs their own workflows. */
export const BUILTIN_ROLES = ['admin', 'member'] as const;

/** Role names of one user, sorted. */
export async function rolesOf(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('roles.name')
    .where('user_roles.user_id', '=', userId)
    .orderBy('roles.name')
    .execute();
  return rows.map((r) => r.name);
}

/** Role names of many users at once. */
export async function rolesOfMany(
  db: Kysely<DB>,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.name'])
    .where('user_roles.user_id', 'in', userIds)
    .orderBy('roles.name')
    .execute();
  for (const row of rows) out.get(row.user_id)?.push(row.name);
  return out;
}

/** Gives a user a role; false when the user already had it. */
export async function assignRole(
  db: Kysely<DB>,
  userId: string,
  roleId: string,
  assignedBy: string | null,
): Promise<boolean> {
  const inserted = await db
    .insertInto('user_roles')
    .values({ user_id: userId, role_id: roleId, assigned_by: assignedBy })
    .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Takes a role away; false when the user did not have it. */
export async function removeRole(db: Kysely<DB>, userId: string, roleId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_roles')
    .where('user_id', '=', userId)
    .where('role_id', '=', roleId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Active, not deleted admins: the instance must keep at least one. */
export async function countActiveAdmins(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('roles.name', '=', 'admin')
    .where('users.is_active', '=', true)
    .where('users.deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
