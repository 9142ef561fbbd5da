import { issueAccessToken } from '../accounts/access-tokens.ts';
import { createUser } from '../accounts/users.ts';
import type { TestApp } from './test-app.ts';

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  /** `{ authorization: 'Bearer ...' }` for server.inject. */
  headers: { authorization: string };
}

/** Creates a user straight in the database and signs an access token for it. */
export async function createTestUser(
  t: TestApp,
  options: { admin?: boolean; email?: string } = {},
): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = 'correct-horse-battery';
  const user = await createUser(t.ctx.db, {
    email,
    password,
    name: `User ${counter}`,
    admin: options.admin === true,
  });
  const roles = await t.ctx.db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('roles.name')
    .where('user_roles.user_id', '=', user.id)
    .execute();
  const token = await issueAccessToken(t.ctx.jwtSecret, {
    userId: user.id,
    isAdmin: roles.some((r) => r.name === 'admin'),
  });
  return { id: user.id, email, password, token, headers: { authorization: `Bearer ${token}` } };
}
