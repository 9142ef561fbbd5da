import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';

// On the embedded database every statement with parameters is a named prepared statement, cached by
// its text: these are the cases where a cached statement could go wrong.
describe(`statements with parameters (${TEST_DB_KIND})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    await sql`CREATE TABLE prepared_probe (id int PRIMARY KEY, name text)`.execute(t.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sees a column added after the statement was first run', async () => {
    await sql`INSERT INTO prepared_probe (id, name) VALUES (${1}, ${'one'})`.execute(t.db);
    const read = () =>
      sql<Record<string, unknown>>`SELECT * FROM prepared_probe WHERE id = ${1}`.execute(t.db);
    expect((await read()).rows).toEqual([{ id: 1, name: 'one' }]);
    await sql`ALTER TABLE prepared_probe ADD COLUMN extra text DEFAULT 'x'`.execute(t.db);
    expect((await read()).rows).toEqual([{ id: 1, name: 'one', extra: 'x' }]);
  });

  it('keeps answering right past the number of statements it keeps prepared', async () => {
    for (let i = 0; i < 520; i++) {
      const { rows } = await sql<{ n: number }>`${sql.raw(`SELECT ${i}::int + `)}${1}::int AS n`.execute(
        t.db,
      );
      expect(rows[0]?.n).toBe(i + 1);
    }
    // The oldest ones were let go; running one again prepares it anew.
    const { rows } = await sql<{ n: number }>`${sql.raw('SELECT 0::int + ')}${1}::int AS n`.execute(t.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('reports an error with its code and leaves the next statement working', async () => {
    const duplicate = sql`INSERT INTO prepared_probe (id, name) VALUES (${1}, ${'again'})`.execute(t.db);
    await expect(duplicate).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql<{ name: string }>`SELECT name FROM prepared_probe WHERE id = ${1}`.execute(
      t.db,
    );
    expect(rows).toEqual([{ name: 'one' }]);
  });

  it('passes nulls, arrays, JSON and dates as parameters', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const { rows } = await sql<{ a: null; b: string[]; c: unknown; d: Date }>`
      SELECT ${null}::text AS a, ${['x', 'y']}::text[] AS b, ${JSON.stringify({ k: [1, 2] })}::jsonb AS c,
        ${at}::timestamptz AS d`.execute(t.db);
    expect(rows[0]).toEqual({ a: null, b: ['x', 'y'], c: { k: [1, 2] }, d: at });
  });

  it('runs inside a transaction and rolls back with it', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO prepared_probe (id, name) VALUES (${2}, ${'two'})`.execute(trx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const { rows } = await sql`SELECT id FROM prepared_probe WHERE id = ${2}`.execute(t.db);
    expect(rows).toEqual([]);
  });
});
