import type { AppContext, BackgroundService } from '../app-context.ts';
import { pruneStatus, runHealthCheck } from './health-check.ts';
import { periodicService } from './periodic-service.ts';

/** The first check's wait after the start. */
const FIRST_CHECK_AFTER_MS = 3_000;

/**
 * Runs the health check on a scheduler process a few seconds after it starts (its statements would
 * otherwise queue ahead of the start's own on the embedded database's one session), then
 * HEALTH_CHECK_INTERVAL_SECONDS after each check ended (0 turns it off).
 */
export function healthCheckService(ctx: AppContext): BackgroundService {
  const seconds = ctx.config.integrations.healthCheckIntervalSeconds;
  if (seconds === 0) return { name: 'health-check', start: async () => {}, stop: async () => {} };
  return periodicService({
    name: 'health-check',
    firstAfterMs: Math.min(FIRST_CHECK_AFTER_MS, seconds * 1000),
    everyMs: seconds * 1000,
    round: async () => {
      await runHealthCheck(ctx);
      await pruneStatus(ctx.db);
    },
    onError: (error) => ctx.log.warn({ err: error }, 'health check failed'),
  });
}
