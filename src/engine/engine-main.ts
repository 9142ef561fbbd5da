import type { ProcessRole } from '../app-context.ts';
import { loadConfig } from '../config.ts';
import { compilePgliteWasm, prepareEmbeddedDataDir } from '../db/pglite-prepare.ts';
import type { LoadedFrom } from '../system/app-bundle.ts';

/**
 * The engine process's body (engine-process.ts sets the process up and loads it): starts the way
 * `area start` does, with the embedded database made ready on other threads while the code loads.
 * Prints `READY <url or -> <ms> <bundle|src>` when started, where ms counts from the process's own
 * start (Node's boot and every import included) and the last word says where the code came from.
 */
export async function runEngineProcess(roles: ProcessRole[], loaded: LoadedFrom): Promise<void> {
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
  process.stdout.write(`READY ${url ?? '-'} ${Math.round(performance.now())} ${loaded.from}\n`);
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
