import type { AppContext, BackgroundService } from '../app-context.ts';
import { pruneStatus, runHealthCheck } from './health-check.ts';

/** Runs the health check every HEALTH_CHECK_INTERVAL_SECONDS on a scheduler process. */
export function healthCheckService(ctx: AppContext): BackgroundService {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      try {
        await runHealthCheck(ctx);
        await pruneStatus(ctx.db);
      } catch (error) {
        ctx.log.warn({ err: error }, 'health check failed');
      } finally {
        running = undefined;
      }
    })();
  };
  return {
    name: 'health-check',
    async start() {
      const seconds = ctx.config.integrations.healthCheckIntervalSeconds;
      if (seconds === 0) return;
      tick();
      timer = setInterval(tick, seconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
