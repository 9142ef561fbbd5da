import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { expectNoLeaks, recordResponses } from './response-leak-check.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the response leak check', () => {
  it('passes clean responses and catches a stored hash or a repeated refresh token', async () => {
    const record = recordResponses(t);
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'leak@example.com', password: 'long enough pw' },
    });
    expect(res.statusCode).toBe(201);
    await expectNoLeaks(t, record);

    const { password_hash } = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'leak@example.com')
      .executeTakeFirstOrThrow();
    await expect(
      expectNoLeaks(t, { bodies: [...record.bodies, `{"x":"${password_hash}"}`] }),
    ).rejects.toThrow();
    const { token_hash } = await t.ctx.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .executeTakeFirstOrThrow();
    await expect(expectNoLeaks(t, { bodies: [...record.bodies, token_hash] })).rejects.toThrow();
    const refreshToken = res.json().refreshToken as string;
    await expect(
      expectNoLeaks(t, { bodies: [...record.bodies, `{"other":"${refreshToken}"}`] }),
    ).rejects.toThrow();
  });
});
