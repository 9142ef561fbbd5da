import type { BackgroundService } from '../app-context.ts';

export interface PeriodicOptions {
  name: string;
  /** Wait from start to the first round, ms (0: the first round runs as the service starts). */
  firstAfterMs: number;
  /** Wait from the end of one round to the start of the next, ms. */
  everyMs: number;
  /** One round. A failure goes to `onError`; the next round is still scheduled. */
  round: () => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * A background service that runs `round` again and again, one round at a time: the next is
 * scheduled once the last ended, so a slow round never overlaps the next. Its timers do not keep
 * the process alive, and stopping it waits for a round in flight.
 */
export function periodicService(options: PeriodicOptions): BackgroundService {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  const runRound = () => {
    timer = undefined;
    running = (async () => options.round())()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
        schedule(options.everyMs);
      });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(runRound, ms);
    timer.unref();
  };
  return {
    name: options.name,
    async start() {
      if (!stopped) return;
      stopped = false;
      // Started again before a round from before the stop ended: that round schedules the next.
      if (running) return;
      if (options.firstAfterMs === 0) runRound();
      else schedule(options.firstAfterMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
