import { existsSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Loading a module costs Node about 0.3 ms whatever its size (resolving, reading, the compile cache,
 * linking): TypeBox's 373 modules took 110-160 ms of every start and Kysely's 257 about 150 ms, where
 * one file with the same code loads in 3 and 6 ms. So the ES module packages that are spread over many
 * files are bundled, one bundle per package, at install time (build-vendor-bundles.ts), and
 * `area start` and the engine process load those bundles in their place. Only what comes from the
 * package itself is in its bundle; what it imports from other packages is resolved as if imported from
 * the package's own folder, and a bundle made for another version of its package is not used.
 * A package that has CommonJS files for `require` (OpenTelemetry's API: prom-client requires it, pg-boss
 * imports it) gets a CommonJS bundle of those too, so each side keeps its own copy as it did.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the bundles and their manifest are written at install time. */
export const VENDOR_DIR = path.join(ROOT, 'node_modules/.cache/area/vendor');

/** The packages bundled, with the number of modules each one loaded at start when measured. */
export const VENDORED_PACKAGES = [
  'typebox', // 373
  'kysely', // 257
  '@opentelemetry/api', // 51 (pg-boss's telemetry)
  'jose', // 46
  'pg-boss', // 37
  'strtok3', // 23 (file-type's reader)
  'file-type',
] as const;

export interface VendoredPackage {
  version: string;
  /** The package's folder when it was bundled. */
  packageDir: string;
  /** The bundle's folder, relative to the manifest. */
  dir: string;
  /** Specifier (`kysely`, `kysely/migration`) -> its bundle file, relative to the bundle's folder. */
  entries: Record<string, string>;
  /** The same for `require`, where the package has CommonJS files of its own for it. */
  requireEntries?: Record<string, string>;
}

export interface VendorManifest {
  packages: Record<string, VendoredPackage>;
}

export const MANIFEST_FILE = 'manifest.json';

/** Version of the package installed in `packageDir`, or undefined when there is none. */
export function installedVersion(packageDir: string): string | undefined {
  try {
    return String(JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version);
  } catch {
    return undefined;
  }
}

/**
 * Loads the bundles in `dir` in place of their packages from now on, for the packages whose installed
 * version is the one bundled. Returns those packages' names; none when there are no bundles (an
 * install that could not make them), in which case the packages load as they are.
 */
export function enableVendorBundles(dir: string = VENDOR_DIR): string[] {
  let manifest: VendorManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as VendorManifest;
  } catch {
    return [];
  }
  const entries = new Map<string, string>();
  const requireEntries = new Map<string, string>();
  // The URL of each bundle's folder -> the URL its bare imports are resolved from (its package).
  const origins: [string, string][] = [];
  const used: string[] = [];
  for (const [name, pkg] of Object.entries(manifest.packages ?? {})) {
    if (installedVersion(pkg.packageDir) !== pkg.version) continue;
    const bundleDir = path.join(dir, pkg.dir);
    const files = [
      ...Object.entries(pkg.entries).map(([specifier, file]) => [entries, specifier, file] as const),
      ...Object.entries(pkg.requireEntries ?? {}).map(
        ([specifier, file]) => [requireEntries, specifier, file] as const,
      ),
    ];
    if (!files.every(([, , file]) => existsSync(path.join(bundleDir, file)))) continue;
    for (const [map, specifier, file] of files)
      map.set(specifier, pathToFileURL(path.join(bundleDir, file)).href);
    origins.push([
      `${pathToFileURL(bundleDir).href}/`,
      pathToFileURL(path.join(pkg.packageDir, 'package.json')).href,
    ]);
    used.push(name);
  }
  if (used.length === 0) return [];
  registerHooks({
    resolve(specifier, context, next) {
      const required = context.conditions?.includes('require') === true;
      const url = (required ? requireEntries : entries).get(specifier);
      if (url) return { url, format: required ? 'commonjs' : 'module', shortCircuit: true };
      const parent = context.parentURL;
      if (parent && !specifier.startsWith('.')) {
        const origin = origins.find(([prefix]) => parent.startsWith(prefix));
        if (origin) return next(specifier, { ...context, parentURL: origin[1] });
      }
      return next(specifier, context);
    },
  });
  return used;
}
