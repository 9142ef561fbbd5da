import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { loadConnectionForRun } from './connection-access.ts';
import { DecryptionError, KeyRing, parseKey } from './crypto.ts';
import { countStale, reencryptAll } from './rotate-keys.ts';
import { loadSecrets } from './secrets.ts';

const CREDENTIAL = 'cred-plaintext-7f3a9b2c';
const SECRET = 'secret-plaintext-4e8d1a6f';
const NEW_KEY = 'b'.repeat(64);

describe('credentials and secrets at rest', () => {
  let t: TestApp;
  let user: TestUser;
  let connectionId: string;

  beforeAll(async () => {
    t = await createTestApp();
    user = await createTestUser(t);
    const c = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: user.headers,
      payload: { service: 'http', name: 'Plain check', credentials: { type: 'bearer', token: CREDENTIAL } },
    });
    expect(c.statusCode, c.body).toBe(201);
    connectionId = c.json<{ id: string }>().id;
    const s = await t.server.inject({
      method: 'POST',
      url: '/api/v1/secrets',
      headers: user.headers,
      payload: { name: 'STRIPE_KEY', value: SECRET, description: 'for payments' },
    });
    expect(s.statusCode, s.body).toBe(201);
    expect(s.body).not.toContain(SECRET);
    // Also through the update paths.
    const secretId = s.json<{ id: string }>().id;
    const patched = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/secrets/${secretId}`,
      headers: user.headers,
      payload: { value: SECRET },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.body).not.toContain(SECRET);
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds no credential or secret in plain text in any column of any table', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY', 'bytea')`.execute(
      t.ctx.db,
    );
    expect(columns.rows.length).toBeGreaterThan(20);
    for (const { table_name, column_name } of columns.rows) {
      for (const needle of [CREDENTIAL, SECRET]) {
        const found = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM ${sql.table(table_name)}
          WHERE ${sql.ref(column_name)}::text LIKE ${`%${needle}%`}`.execute(t.ctx.db);
        expect(found.rows[0]!.n, `${table_name}.${column_name} holds ${needle}`).toBe(0);
      }
    }
  });

  it('serves secrets by name to the engine and never over the API', async () => {
    expect(await loadSecrets(t.ctx.db, t.ctx.keys, user.id)).toEqual({ STRIPE_KEY: SECRET });
    expect(await loadSecrets(t.ctx.db, t.ctx.keys, user.id, ['STRIPE_KEY', 'MISSING'])).toEqual({
      STRIPE_KEY: SECRET,
    });
    const other = await createTestUser(t);
    expect(await loadSecrets(t.ctx.db, t.ctx.keys, other.id)).toEqual({});
    const list = await t.server.inject({ method: 'GET', url: '/api/v1/secrets', headers: user.headers });
    expect(list.json()).toMatchObject({
      items: [{ name: 'STRIPE_KEY', description: 'for payments' }],
      nextCursor: null,
    });
    expect(list.body).not.toContain(SECRET);
    const bad = await t.server.inject({
      method: 'POST',
      url: '/api/v1/secrets',
      headers: user.headers,
      payload: { name: '1-bad name', value: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const dup = await t.server.inject({
      method: 'POST',
      url: '/api/v1/secrets',
      headers: user.headers,
      payload: { name: 'STRIPE_KEY', value: 'x' },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('fails loudly when the key is wrong or the data was changed', async () => {
    const row = await t.ctx.db
      .selectFrom('connections')
      .select('encrypted_credentials')
      .where('id', '=', connectionId)
      .executeTakeFirstOrThrow();
    const current = t.ctx.keys.current;
    // A key that claims the same id but is different material.
    const impostor = new KeyRing({ id: current.id, material: Buffer.alloc(32, 7) });
    expect(() => impostor.open(row.encrypted_credentials)).toThrow(DecryptionError);
    expect(() => impostor.open(row.encrypted_credentials)).toThrow(/wrong key or tampered/);
    // A ring that lacks the key altogether.
    expect(() => new KeyRing(parseKey(NEW_KEY)).open(row.encrypted_credentials)).toThrow(/not configured/);
    const parts = row.encrypted_credentials.split(':');
    parts[4] = `${parts[4]!.slice(0, -2)}AA`;
    expect(() => t.ctx.keys.open(parts.join(':'))).toThrow(DecryptionError);
    await expect(loadSecrets(t.ctx.db, new KeyRing(parseKey(NEW_KEY)), user.id)).rejects.toThrow(
      DecryptionError,
    );
  });

  it('re-encrypts everything under a new key and every connection stays usable', async () => {
    const rotated = new KeyRing(parseKey(NEW_KEY), [t.ctx.keys.current]);
    expect(await countStale(t.ctx.db, rotated)).toBeGreaterThanOrEqual(2);
    const result = await reencryptAll(t.ctx.db, rotated);
    expect(result.connections).toBeGreaterThanOrEqual(1);
    expect(result.secrets).toBe(1);
    expect(await countStale(t.ctx.db, rotated)).toBe(0);
    expect(await reencryptAll(t.ctx.db, rotated)).toEqual({ connections: 0, secrets: 0 });

    // The new key alone now opens everything.
    const onlyNew = new KeyRing(parseKey(NEW_KEY));
    const { auth } = await loadConnectionForRun(
      {
        db: t.ctx.db,
        keys: onlyNew,
        catalog: t.ctx.catalog,
        http: createLimitedFetch({ timeoutMs: 1000, maxBytes: 1000 }),
      },
      { connectionId, userId: user.id },
    );
    expect(auth).toEqual({ type: 'bearer', token: CREDENTIAL });
    expect(await loadSecrets(t.ctx.db, onlyNew, user.id)).toEqual({ STRIPE_KEY: SECRET });
    const rows = await t.ctx.db.selectFrom('connections').select('encrypted_credentials').execute();
    for (const r of rows) expect(r.encrypted_credentials.startsWith(`v1:${onlyNew.current.id}:`)).toBe(true);
  });
});
