import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../accounts/users.ts';
import { TEST_DATABASE_URL } from '../testing/test-db.ts';
import { definition } from './engine-fixtures.ts';
import { createOwnSchemaDatabase, type OwnSchemaDatabase } from './own-schema.ts';
import { type AreaProcess, startAreaProcess } from './process-harness.ts';

if (!TEST_DATABASE_URL) {
  console.warn(
    'schedule test skipped: it runs two scheduler processes on one PostgreSQL; set DATABASE_URL to run it',
  );
}

const SCHEDULES = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!TEST_DATABASE_URL)(
  'schedules: 2 scheduler processes, one restarted mid-minute (PostgreSQL)',
  () => {
    let db: OwnSchemaDatabase;
    const processes: AreaProcess[] = [];

    beforeAll(async () => {
      db = await createOwnSchemaDatabase(TEST_DATABASE_URL as string);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await db?.close();
    }, 60_000);

    it('fires each slot of 1,000 every-minute schedules exactly once', async () => {
      const user = await createUser(db.db, { email: `sched-${Date.now()}@example.com`, name: 'Sched' });
      await db.db.updateTable('users').set({ credits_limit: 1_000_000 }).where('id', '=', user.id).execute();
      const def = definition(
        { key: 'tick', service: 'schedule', component: 'cron', config: { expression: '* * * * *' } },
        [{ key: 'noop', service: 'probe', component: 'flaky', config: { value: 1 } }],
      );
      await sql`
      WITH w AS (
        INSERT INTO workflows (user_id, name, status, version, active_version)
        SELECT ${user.id}, 'every minute ' || g, 'active', 1, 1 FROM generate_series(1, ${SCHEDULES}::int) g
        RETURNING id)
      INSERT INTO workflow_versions (workflow_id, version, name, definition, created_by)
      SELECT id, 1, 'every minute', ${JSON.stringify(def)}::jsonb, ${user.id} FROM w`.execute(db.db);

      const env = { ...db.env, DATABASE_POOL_SIZE: '5' };
      processes.push(await startAreaProcess('scheduler', env), await startAreaProcess('scheduler', env));

      // The slot under test is the next minute boundary with room before it for a restart mid-minute.
      let slot = Math.ceil(Date.now() / 60_000) * 60_000;
      if (slot - Date.now() < 20_000) slot += 60_000;
      await sleep(Math.max(0, slot - Date.now() - 15_000));
      const restarted = processes[1] as AreaProcess;
      restarted.kill();
      await new Promise((r) => restarted.child.once('exit', r));
      processes[1] = await startAreaProcess('scheduler', env);
      await sleep(Math.max(0, slot - Date.now() + 8_000));

      const key = `schedule:${new Date(slot).toISOString()}`;
      const fired = await sql<{ n: number; workflows: number }>`
      SELECT count(*)::int AS n, count(DISTINCT workflow_id)::int AS workflows
      FROM executions WHERE idempotency_key = ${key}`.execute(db.db);
      expect(fired.rows[0]).toEqual({ n: SCHEDULES, workflows: SCHEDULES });
      const twice = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT workflow_id, idempotency_key FROM executions GROUP BY workflow_id, idempotency_key HAVING count(*) > 1) d`.execute(
        db.db,
      );
      expect(twice.rows[0]?.n).toBe(0);
      const counted = await sql<{ total: number; runs: number }>`
      SELECT (SELECT sum(triggered_count)::int FROM workflows)
        + (SELECT COALESCE(sum(triggered_count), 0)::int FROM workflow_run_counts) AS total,
        (SELECT count(*)::int FROM executions) AS runs`.execute(db.db);
      expect(counted.rows[0]?.total).toBe(counted.rows[0]?.runs);
    }, 180_000);
  },
);
