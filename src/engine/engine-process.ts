import type { ProcessRole } from '../app-context.ts';
import { loadConfig } from '../config.ts';
import { compilePgliteWasm, prepareEmbeddedDataDir, setWasmTieringBudget } from '../db/pglite-prepare.ts';
import { enableVendorBundles } from '../system/vendor-bundles.ts';

/**
 * One Area process with the core services and the probe service in its catalog, for the
 * multi-process tests and the benchmark: `node src/engine/engine-process.ts api,worker`.
 * Settings come from the environment; prints `READY <url or -> <ms>` when started, where ms counts
 * from the process's own start (Node's boot and every import included). It starts the way `area start`
 * does: the embedded database is made ready on other threads while the code loads, and the packages
 * bundled at install time load from their bundles.
 */
setWasmTieringBudget();
enableVendorBundles();
const roles = (process.argv[2] ?? 'api,worker,scheduler').split(',') as ProcessRole[];
const config = loadConfig();
const embedded = !config.databaseUrl;
const preparing = embedded ? prepareEmbeddedDataDir(config.dataDir) : undefined;
const compiling = embedded ? compilePgliteWasm() : undefined;
const { createApp } = await import('../main.ts');
const { allServices } = await import('../integrations/all-services.ts');
const { probeService } = await import('./engine-fixtures.ts');
await preparing;
const app = await createApp(config, {
  roles,
  migrate: false,
  integrations: [...allServices, probeService],
  pgliteWasmModule: await compiling,
  startQueueEarly: true,
});
const url = await app.start();
process.stdout.write(`READY ${url ?? '-'} ${Math.round(performance.now())}\n`);
const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
