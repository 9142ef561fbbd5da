import { describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { periodicService } from './periodic-service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('periodic background services', () => {
  it('runs a round at start when asked, then again after each round ended, never two at once', async () => {
    const rounds: { start: number; end: number }[] = [];
    let inRound = 0;
    let overlapped = false;
    const service = periodicService({
      name: 'test',
      firstAfterMs: 0,
      everyMs: 20,
      round: async () => {
        inRound++;
        if (inRound > 1) overlapped = true;
        const start = performance.now();
        await sleep(30); // longer than the interval
        rounds.push({ start, end: performance.now() });
        inRound--;
      },
      onError: () => {},
    });
    const started = performance.now();
    await service.start();
    // The first round began as the service started.
    expect(inRound).toBe(1);
    await until(
      async () => rounds.length,
      (n) => n >= 4,
    );
    await service.stop();
    expect(overlapped).toBe(false);
    expect((rounds[0]?.start ?? Number.NaN) - started).toBeLessThan(15);
    // Each round starts no sooner than the interval after the one before it ended.
    for (let i = 1; i < rounds.length; i++) {
      const gap = (rounds[i]?.start ?? 0) - (rounds[i - 1]?.end ?? 0);
      expect(gap).toBeGreaterThanOrEqual(18);
    }
  });

  it('waits before the first round when told to', async () => {
    let rounds = 0;
    const service = periodicService({
      name: 'test',
      firstAfterMs: 150,
      everyMs: 10,
      round: async () => {
        rounds++;
      },
      onError: () => {},
    });
    await service.start();
    await sleep(60);
    expect(rounds).toBe(0);
    await until(
      async () => rounds,
      (n) => n >= 1,
    );
    await service.stop();
  });

  it('reports a failed round and goes on with the next', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    const service = periodicService({
      name: 'test',
      firstAfterMs: 0,
      everyMs: 10,
      round: async () => {
        rounds++;
        if (rounds === 1) throw new Error('first round broke');
      },
      onError: (error) => errors.push(error),
    });
    await service.start();
    await until(
      async () => rounds,
      (n) => n >= 3,
    );
    await service.stop();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('first round broke');
  });

  it('stops after the round in flight ended, and runs no more', async () => {
    let rounds = 0;
    let finished = 0;
    const service = periodicService({
      name: 'test',
      firstAfterMs: 0,
      everyMs: 5,
      round: async () => {
        rounds++;
        await sleep(50);
        finished++;
      },
      onError: () => {},
    });
    await service.start();
    expect(rounds).toBe(1);
    await service.stop();
    // stop() waited for the round that was running.
    expect(finished).toBe(1);
    await sleep(60);
    expect(rounds).toBe(1);
    // A stopped service can be started again.
    await service.start();
    await until(
      async () => finished,
      (n) => n >= 2,
    );
    await service.stop();
  });

  it('keeps one round at a time when started again before a stop finished', async () => {
    let inRound = 0;
    let overlapped = false;
    let rounds = 0;
    const service = periodicService({
      name: 'test',
      firstAfterMs: 0,
      everyMs: 5,
      round: async () => {
        inRound++;
        if (inRound > 1) overlapped = true;
        rounds++;
        await sleep(30);
        inRound--;
      },
      onError: () => {},
    });
    await service.start();
    const stopping = service.stop();
    await service.start();
    await stopping;
    await until(
      async () => rounds,
      (n) => n >= 4,
    );
    await service.stop();
    expect(overlapped).toBe(false);
  });
});
