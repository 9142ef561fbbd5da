import type { Kysely } from 'kysely';
import type { DB, User } from '../db/types.ts';
import { rolesOf } from './roles.ts';

/** The signed-in user's own profile, as GET /me answers it. */
export interface MeView {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  avatarUrl: string | null;
  timezone: string;
  planType: string;
  creditsUsed: number;
  creditsLimit: number;
  onboardingCompleted: boolean;
  isAdmin: boolean;
  roles: string[];
  createdAt: string;
}

export function toMeView(user: User, roles: string[]): MeView {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    avatarUrl: user.avatar_url,
    timezone: user.timezone,
    planType: user.plan_type,
    creditsUsed: user.credits_used,
    creditsLimit: user.credits_limit,
    onboardingCompleted: user.onboarding_completed,
    isAdmin: roles.includes('admin'),
    roles,
    createdAt: user.created_at.toISOString(),
  };
}

export async function loadMe(db: Kysely<DB>, userId: string): Promise<MeView | undefined> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return user ? toMeView(user, await rolesOf(db, userId)) : undefined;
}
