import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';
import { RUN_QUEUE, RunQueue } from './queue.ts';

describe(`the run queue's start (${TEST_DB_KIND})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    if (database.pool && database.schema)
      await database.pool.query(`DROP SCHEMA IF EXISTS "${database.schema}_q" CASCADE`);
    await database.close();
  });

  const queueOf = (runExpirySeconds: number) =>
    new RunQueue({
      database,
      log: pino({ level: 'silent' }),
      url: database.url,
      schema: database.schema ? `${database.schema}_q` : undefined,
      runExpirySeconds,
    });

  it('creates the run queue when it is missing and leaves an existing one alone', async () => {
    const first = queueOf(120);
    const created = vi.spyOn(first.boss, 'createQueue');
    await first.start();
    try {
      expect(created).toHaveBeenCalledTimes(1);
      expect(await first.boss.getQueue(RUN_QUEUE)).toMatchObject({ name: RUN_QUEUE, expireInSeconds: 120 });
      // Nothing of pg-boss's own cron schedules, which Area does not use (their queue included).
      expect((await first.boss.getQueues()).map((q) => q.name)).toEqual([RUN_QUEUE]);
    } finally {
      await first.stop();
    }

    // A later start (here with another expiry, which pg-boss never applied to an existing queue).
    const again = queueOf(300);
    const createdAgain = vi.spyOn(again.boss, 'createQueue');
    await again.start();
    try {
      expect(createdAgain).not.toHaveBeenCalled();
      expect(await again.boss.getQueue(RUN_QUEUE)).toMatchObject({ name: RUN_QUEUE, expireInSeconds: 120 });
      // Ready for work: a job sent now is there to fetch.
      await again.boss.insert(RUN_QUEUE, [{ data: { executionId: 'probe' } }]);
      const fetched = await again.boss.fetch(RUN_QUEUE);
      expect(fetched.map((j) => j.data)).toEqual([{ executionId: 'probe' }]);
    } finally {
      await again.stop();
    }
  });
});
