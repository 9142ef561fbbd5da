import type { ProcessRole } from '../app-context.ts';
import { loadConfig } from '../config.ts';
import { allServices } from '../integrations/all-services.ts';
import { createApp } from '../main.ts';
import { probeService } from './engine-fixtures.ts';

/**
 * One Area process with the core services and the probe service in its catalog, for the
 * multi-process tests and the benchmark: `node src/engine/engine-process.ts api,worker`.
 * Settings come from the environment; prints `READY <url or ->` when started.
 */
const roles = (process.argv[2] ?? 'api,worker,scheduler').split(',') as ProcessRole[];
const started = performance.now();
const app = await createApp(loadConfig(), {
  roles,
  migrate: false,
  integrations: [...allServices, probeService],
});
const url = await app.start();
process.stdout.write(`READY ${url ?? '-'} ${Math.round(performance.now() - started)}\n`);
const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
