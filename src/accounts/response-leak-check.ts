import { expect } from 'vitest';
import type { TestApp } from '../testing/test-app.ts';

/**
 * Test support: records every response body a suite gets from `t.server.inject`, then proves that
 * no stored hash (password, refresh token, API key) ever left the server, and that each raw refresh
 * token or API key appeared in one response only, the one that issued it.
 */
export function recordResponses(t: TestApp): { bodies: string[] } {
  const record = { bodies: [] as string[] };
  const inject = t.server.inject.bind(t.server) as (
    opts: unknown,
  ) => Promise<{ body: string; headers: Record<string, unknown> }>;
  (t.server as unknown as { inject: unknown }).inject = async (opts: unknown) => {
    const res = await inject(opts);
    record.bodies.push(`${res.body}\n${String(res.headers['location'] ?? '')}`);
    return res;
  };
  return record;
}

const REFRESH_TOKEN = /art_[A-Za-z0-9_-]{43}/g;
const API_KEY = /area_[A-Za-z0-9]{40}/g;

export async function expectNoLeaks(t: TestApp, record: { bodies: string[] }): Promise<void> {
  const db = t.ctx.db;
  const hashes = [
    ...(await db
      .selectFrom('users')
      .select('password_hash as h')
      .where('password_hash', 'is not', null)
      .execute()),
    ...(await db.selectFrom('refresh_tokens').select('token_hash as h').execute()),
    ...(await db.selectFrom('api_keys').select('key_hash as h').execute()),
  ].map((r) => r.h as string);
  expect(hashes.length, 'the suite stored some secrets to look for').toBeGreaterThan(0);
  const seen = new Map<string, number>();
  for (const body of record.bodies) {
    expect(body).not.toMatch(/\$argon2/);
    expect(body).not.toMatch(/password_?hash|token_?hash|key_?hash/i);
    for (const hash of hashes) expect(body.includes(hash), 'a stored hash appears in a response').toBe(false);
    for (const secret of new Set([...(body.match(REFRESH_TOKEN) ?? []), ...(body.match(API_KEY) ?? [])])) {
      seen.set(secret, (seen.get(secret) ?? 0) + 1);
    }
  }
  const repeated = [...seen].filter(([, n]) => n > 1).map(([s]) => `${s.slice(0, 10)}…`);
  expect(
    repeated,
    'a raw refresh token or API key appeared in more than the response that issued it',
  ).toEqual([]);
  expect(record.bodies.length).toBeGreaterThan(0);
}
