import { setWasmTieringBudget } from '../db/pglite-prepare.ts';
import { loadApp } from '../system/app-bundle.ts';
import { enableVendorBundles } from '../system/vendor-bundles.ts';

/**
 * `area`: sets the process up, then runs the CLI from the start-up bundle when it is current
 * (src/system/app-bundle.ts), else from src. First V8's flags, so that every command's modules are
 * compiled, and cached, under the same ones (see setWasmTieringBudget); then the packages bundled
 * at install time load from their bundles.
 */
setWasmTieringBudget();
enableVendorBundles();
const { module, loaded } = await loadApp('cli', () => import('./cli.ts'));
await module.runCli(process.argv, loaded);
