import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setWasmTieringBudget } from '../db/pglite-prepare.ts';
import { APP_BUNDLE_DIR } from '../system/app-bundle.ts';
import { buildAppBundle } from '../system/build-app-bundle.ts';
import { buildVendorBundles, vendorBundlesCurrent } from '../system/build-vendor-bundles.ts';
import { enableVendorBundles } from '../system/vendor-bundles.ts';

/**
 * Run at install time (`npm install`, and `npm run build:start`): bundles the packages `area` loads
 * from bundles (src/system/vendor-bundles.ts) and Area's own modules (src/system/app-bundle.ts), then
 * loads what `area start` and the CLI's commands load, from the bundle and from src, so that Node's
 * compile cache holds it: the first start then skips compiling some 1,800 modules (about 1 s).
 */
// As `area` and the engine process do before loading their code (compiled code is cached per V8 flags).
setWasmTieringBudget();
const step = async (what: string, work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    // Never fail an install over an optimisation: the code then loads from its own files.
    process.stdout.write(`area: skipped ${what}: ${(error as Error).message}\n`);
  }
};
if (!vendorBundlesCurrent()) await step('bundling packages for start-up', () => buildVendorBundles());
enableVendorBundles();
await step("bundling Area's modules for start-up", () => buildAppBundle());
await step('loading the start-up bundle', async () => {
  // Its entries only define functions: loading every file runs nothing.
  for (const file of readdirSync(APP_BUNDLE_DIR).filter((f) => f.endsWith('.mjs')))
    await import(pathToFileURL(path.join(APP_BUNDLE_DIR, file)).href);
});
await import('./cli.ts');
await import('../main.ts');
await import('../db/migrator.ts');
await import('../accounts/users.ts');
await import('../connections/rotate-keys.ts');
await import('../workflows/workflow-export.ts');
await import('typebox/value');
process.exit(0);
