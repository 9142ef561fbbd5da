import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { TEST_DATABASE_URL } from '../testing/test-db.ts';
import { EngineBus } from './bus.ts';

const log = createLogger('silent', false);
const never = async () => false;

describe('engine bus: waiting for runs to end', () => {
  it('wakes the waiters of the run that ended, and only them', async () => {
    const bus = new EngineBus({ log });
    const a1 = bus.waitForDone('run-a', 2_000, never);
    const a2 = bus.waitForDone('run-a', 2_000, never);
    let bDone: boolean | undefined;
    const b = bus.waitForDone('run-b', 300, never).then((done) => {
      bDone = done;
      return done;
    });
    bus.ended(['run-a', 'run-c']);
    expect(await a1).toBe(true);
    expect(await a2).toBe(true);
    expect(bDone).toBeUndefined();
    // run-b never ended: its waiter gives up at its time limit.
    expect(await b).toBe(false);
    // A later ending of a run nobody waits for any more is a no-op.
    bus.ended(['run-a']);
    bus.publishDone('run-b');
  });

  it('wakes many waiters, each for its own run', async () => {
    const bus = new EngineBus({ log });
    const ids = Array.from({ length: 500 }, (_, i) => `run-${i}`);
    const waits = ids.map((id) => bus.waitForDone(id, 5_000, never));
    bus.ended(ids.filter((_, i) => i % 2 === 0));
    const firstHalf = await Promise.all(waits.filter((_, i) => i % 2 === 0));
    expect(firstHalf.every(Boolean)).toBe(true);
    bus.ended(ids.filter((_, i) => i % 2 === 1));
    expect((await Promise.all(waits)).every(Boolean)).toBe(true);
  });

  it('ends the wait when the look at the row finds the run ended', async () => {
    const bus = new EngineBus({ log });
    const started = Date.now();
    expect(await bus.waitForDone('run-x', 5_000, async () => true)).toBe(true);
    // The row is looked at once a second.
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('engine bus between processes (PostgreSQL)', () => {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  const buses: EngineBus[] = [];
  afterAll(async () => {
    for (const bus of buses) await bus.stop();
    await pool.end();
  });

  it("tells another process's waiters that a run ended", async () => {
    const api = new EngineBus({ pool, url: TEST_DATABASE_URL, log });
    const worker = new EngineBus({ pool, url: TEST_DATABASE_URL, log });
    buses.push(api, worker);
    await api.start();
    await worker.start();
    const waiting = api.waitForDone('run-remote', 5_000, never);
    const other = api.waitForDone('run-other', 500, never);
    worker.publishDone('run-remote');
    expect(await waiting).toBe(true);
    expect(await other).toBe(false);
  });
});
