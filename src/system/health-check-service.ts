import type { AppContext, BackgroundService } from '../app-context.ts';
import { pruneStatus, runHealthCheck } from './health-check.ts';
import { periodicService } from './periodic-service.ts';

/**
 * Runs the health check on a scheduler process as it starts, then HEALTH_CHECK_INTERVAL_SECONDS
 * after each check ended (0 turns it off).
 */
export function healthCheckService(ctx: AppContext): BackgroundService {
  const seconds = ctx.config.integrations.healthCheckIntervalSeconds;
  if (seconds === 0) return { name: 'health-check', start: async () => {}, stop: async () => {} };
  return periodicService({
    name: 'health-check',
    firstAfterMs: 0,
    everyMs: seconds * 1000,
    round: async () => {
      await runHealthCheck(ctx);
      await pruneStatus(ctx.db);
    },
    onError: (error) => ctx.log.warn({ err: error }, 'health check failed'),
  });
}
