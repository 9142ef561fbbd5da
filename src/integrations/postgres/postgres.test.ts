import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext } from '../testing/component-context.ts';
import { createPollHarness } from '../testing/poll-harness.ts';
import { runQueryAction } from './actions/run-query.ts';
import { postgresAuth } from './auth.ts';
import { postgresService } from './index.ts';
import { newRowTrigger } from './triggers/new-row.ts';

/** The real PostgreSQL server the service talks to, in a schema of this test's own. */
const SERVER = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `area_pgsvc_${randomBytes(5).toString('hex')}`;
const auth = { connectionString: SERVER };
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(
    `CREATE TABLE ${schema}.signups (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, plan text, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await admin.query(
    `CREATE TABLE ${schema}.events (happened_at timestamptz PRIMARY KEY, name text NOT NULL)`,
  );
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

const run = (props: Record<string, unknown>) =>
  runQueryAction.run(actionContext(props as Parameters<typeof runQueryAction.run>[0]['props'], { auth }));

describe('postgres service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([postgresService])).toEqual([]);
  });

  it('checks the connection string by connecting', async () => {
    if (postgresAuth.type !== 'custom') throw new Error('custom auth expected');
    const ctx = actionContext({});
    await postgresAuth.test?.({ auth, config: {}, http: ctx.http, signal: ctx.signal });
    await expect(
      postgresAuth.test?.({
        auth: { connectionString: 'postgres://postgres@127.0.0.1:5432/no_such_database_here' },
        config: {},
        http: ctx.http,
        signal: ctx.signal,
      }),
    ).rejects.toThrow('PostgreSQL: database "no_such_database_here" does not exist (SQLSTATE 3D000)');
  });
});

describe('postgres.run_query', () => {
  it('binds parameters as values, never as SQL', async () => {
    const hostile = "x'); DROP TABLE signups; --";
    const inserted = await run({
      query: `INSERT INTO ${schema}.signups (email, plan) VALUES ($1, $2) RETURNING id, email, plan`,
      parameters: [hostile, 'pro'],
    });
    expect(inserted).toMatchObject({
      command: 'INSERT',
      rowCount: 1,
      columns: ['id', 'email', 'plan'],
      truncated: false,
    });
    expect(inserted.rows[0]).toMatchObject({ email: hostile, plan: 'pro' });
    const count = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.signups WHERE email = $1`, [
      hostile,
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('returns JSON-safe rows (bigint as a number while exact, timestamps as ISO) and caps them', async () => {
    await admin.query(
      `INSERT INTO ${schema}.signups (email) SELECT 'bulk' || g FROM generate_series(1, 5) g`,
    );
    const out = await run({
      query: `SELECT id, email, created_at FROM ${schema}.signups WHERE email LIKE $1 ORDER BY id`,
      parameters: ['bulk%'],
      maxRows: 3,
    });
    expect(out.rowCount).toBe(5);
    expect(out.rows).toHaveLength(3);
    expect(out.truncated).toBe(true);
    expect(typeof out.rows[0]!['id']).toBe('number');
    const huge = await run({ query: 'SELECT $1::int8 AS big', parameters: ['9007199254740993'] });
    expect(huge.rows).toEqual([{ big: '9007199254740993' }]);
    expect(out.rows[0]!['created_at']).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
  });

  it('refuses a second statement and writes in read-only mode', async () => {
    await expect(run({ query: `SELECT 1; DROP TABLE ${schema}.signups`, parameters: [] })).rejects.toThrow(
      'cannot insert multiple commands into a prepared statement',
    );
    await expect(
      run({ query: `DELETE FROM ${schema}.signups WHERE email = $1`, parameters: ['bulk1'], readOnly: true }),
    ).rejects.toThrow('PostgreSQL: cannot execute DELETE in a read-only transaction (SQLSTATE 25006)');
    const still = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.signups WHERE email = 'bulk1'`);
    expect(still.rows[0].n).toBe(1);
  });

  it('explains SQL errors with the code and position', async () => {
    await expect(run({ query: `SELECT nope FROM ${schema}.signups`, parameters: [] })).rejects.toThrow(
      /PostgreSQL: column "nope" does not exist \(SQLSTATE 42703\); at character \d+/,
    );
  });
});

describe('postgres.new_row', () => {
  it('fires once per new row by id, across restarts', async () => {
    const harness = await createPollHarness(newRowTrigger);
    try {
      const props = { table: `${schema}.signups`, keyColumn: 'id', batchSize: 2 };
      const first = await harness.poll(props, { auth });
      expect(first.fired).toBe(0);
      const inserted = await admin.query(
        `INSERT INTO ${schema}.signups (email) VALUES ('a@example.com'), ('b@example.com'), ('c@example.com') RETURNING id`,
      );
      // Two per poll (batchSize): the third row waits for the next poll.
      expect(await harness.poll(props, { auth })).toEqual({ polled: 2, fired: 2 });
      expect(await harness.poll(props, { auth })).toEqual({ polled: 1, fired: 1 });
      expect(await harness.poll(props, { auth })).toEqual({ polled: 0, fired: 0 });
      expect(harness.fired.map((f) => (f.item as { key: string }).key)).toEqual(
        inserted.rows.map((r) => String(r.id)),
      );
      expect(harness.fired[0]!.item).toMatchObject({
        table: `${schema}.signups`,
        row: { email: 'a@example.com', plan: null },
      });
    } finally {
      await harness.close();
    }
  }, 180_000);

  it('works with a timestamp key and an empty table at the start', async () => {
    const harness = await createPollHarness(newRowTrigger);
    try {
      const props = { table: `${schema}.events`, keyColumn: 'happened_at' };
      expect((await harness.poll(props, { auth })).fired).toBe(0);
      await admin.query(
        `INSERT INTO ${schema}.events VALUES ('2026-11-20T09:00:00Z', 'first'), ('2026-11-20T10:00:00Z', 'second')`,
      );
      expect((await harness.poll(props, { auth })).fired).toBe(2);
      await admin.query(`INSERT INTO ${schema}.events VALUES ('2026-11-20T11:00:00Z', 'third')`);
      expect((await harness.poll(props, { auth })).fired).toBe(1);
      expect(harness.fired.map((f) => (f.item as { key: string }).key)).toEqual([
        '2026-11-20T09:00:00.000Z',
        '2026-11-20T10:00:00.000Z',
        '2026-11-20T11:00:00.000Z',
      ]);
    } finally {
      await harness.close();
    }
  }, 180_000);

  it('quotes identifiers, so a table name cannot carry SQL', async () => {
    const harness = await createPollHarness(newRowTrigger);
    try {
      await expect(harness.poll({ table: 'a.b.c', keyColumn: 'id' }, { auth })).rejects.toThrow(
        'is not a table name',
      );
      await expect(
        harness.poll({ table: `${schema}.signups"; DROP TABLE events; --`, keyColumn: 'id' }, { auth }),
      ).rejects.toThrow('does not exist (SQLSTATE 42P01)');
      const events = await admin.query(`SELECT to_regclass('${schema}.events') AS t`);
      expect(events.rows[0].t).not.toBeNull();
      await expect(harness.poll({ table: `${schema}.missing`, keyColumn: 'id' }, { auth })).rejects.toThrow(
        `relation "${schema}.missing" does not exist`,
      );
    } finally {
      await harness.close();
    }
  }, 180_000);
});
