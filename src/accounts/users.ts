import { type Kysely, sql } from 'kysely';
import type { DB, User } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';

/** The same rule as the CHECK on users.email (seed 004), so the API can say it before the database does. */
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface CreateUserInput {
  email: string;
  password?: string | undefined;
  name?: string | undefined;
  username?: string | undefined;
  admin?: boolean;
  /** Make the instance's first user an admin (default true; tests turn it off). */
  firstIsAdmin?: boolean;
}

/**
 * Creates a user with the member role, and the admin role when asked or when it is the first user.
 * Throws AppError (400 naming the field and rule, 409 for a taken email or username).
 */
export async function createUser(db: Kysely<DB>, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  if (!EMAIL_PATTERN.test(email)) {
    throw AppError.invalid([
      { path: 'email', rule: 'format', message: 'must be an email address like name@example.com' },
    ]);
  }
  if (input.password !== undefined) {
    const problem = checkPasswordPolicy(input.password, email);
    if (problem) throw AppError.invalid([{ path: 'password', rule: problem.rule, message: problem.message }]);
  }
  if (input.username !== undefined && !/^[A-Za-z0-9_.-]{2,100}$/.test(input.username)) {
    throw AppError.invalid([
      {
        path: 'username',
        rule: 'pattern',
        message: 'must be 2 to 100 letters, digits, dots, dashes or underscores',
      },
    ]);
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select(['email', 'username'])
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('email', '=', email),
          ...(input.username ? [eb(sql`lower(username)`, '=', input.username.toLowerCase())] : []),
        ]),
      )
      .executeTakeFirst();
    if (taken) {
      const field = taken.email === email ? 'email' : 'username';
      throw new AppError('conflict', `${field}: is already registered`, { details: { field } });
    }
    const isFirst = (await trx.selectFrom('users').select('id').limit(1).executeTakeFirst()) === undefined;
    const user = await trx
      .insertInto('users')
      .values({
        email,
        username: input.username ?? null,
        name: input.name ?? null,
        password_hash: passwordHash,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const roleNames =
      input.admin || (isFirst && input.firstIsAdmin !== false) ? ['member', 'admin'] : ['member'];
    const roles = await trx.selectFrom('roles').select('id').where('name', 'in', roleNames).execute();
    if (roles.length > 0) {
      await trx
        .insertInto('user_roles')
        .values(roles.map((r) => ({ user_id: user.id, role_id: r.id })))
        .execute();
    }
    return user;
  });
}
