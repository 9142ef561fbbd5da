import { setWasmTieringBudget } from '../db/pglite-prepare.ts';
import { buildVendorBundles, vendorBundlesCurrent } from '../system/build-vendor-bundles.ts';
import { enableVendorBundles } from '../system/vendor-bundles.ts';

/**
 * Run at install time (`npm install`): bundles the packages `area start` loads from bundles
 * (src/system/vendor-bundles.ts), then loads what `area start` and the CLI's commands load, so that
 * Node's compile cache holds it: the first start then skips compiling some 1,800 modules (about 1 s).
 * The CLI itself imports those modules only in the commands that need them.
 */
// As `area` and the engine process do before loading their code (compiled code is cached per V8 flags).
setWasmTieringBudget();
if (!vendorBundlesCurrent()) {
  try {
    await buildVendorBundles();
  } catch (error) {
    // Never fail an install over an optimisation: the packages then load from their own files.
    process.stdout.write(`area: skipped bundling packages for start-up: ${(error as Error).message}\n`);
  }
}
enableVendorBundles();
await import('../main.ts');
await import('../db/migrator.ts');
await import('../accounts/users.ts');
await import('../connections/rotate-keys.ts');
await import('../workflows/workflow-export.ts');
await import('typebox/value');
process.exit(0);
