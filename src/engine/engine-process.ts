import type { ProcessRole } from '../app-context.ts';
import { setWasmTieringBudget } from '../db/pglite-prepare.ts';
import { loadApp } from '../system/app-bundle.ts';
import { enableVendorBundles } from '../system/vendor-bundles.ts';

/**
 * One Area process with the core services and the probe service in its catalog, for the
 * multi-process tests and the benchmark: `node src/engine/engine-process.ts api,worker`. Settings
 * come from the environment. It is set up the way `area` is (cli/area.ts), and its body
 * (engine-main.ts) loads from the start-up bundle when that is current.
 */
setWasmTieringBudget();
enableVendorBundles();
const roles = (process.argv[2] ?? 'api,worker,scheduler').split(',') as ProcessRole[];
const { module, loaded } = await loadApp('engine', () => import('./engine-main.ts'));
await module.runEngineProcess(roles, loaded);
