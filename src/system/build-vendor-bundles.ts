import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  installedVersion,
  MANIFEST_FILE,
  VENDOR_DIR,
  VENDORED_PACKAGES,
  type VendoredPackage,
  type VendorManifest,
} from './vendor-bundles.ts';

/** The part of rolldown's API Area's bundles use. */
export interface Bundler {
  rolldown(options: {
    input: Record<string, string>;
    platform: 'node';
    external: (id: string) => boolean;
    treeshake: boolean;
    logLevel: 'silent';
    plugins?: { name: string; transform(code: string, id: string): { code: string } | null }[];
  }): Promise<{
    write(options: {
      dir: string;
      format: 'esm' | 'cjs';
      entryFileNames: string;
      chunkFileNames: string;
      strictExecutionOrder: boolean;
      charset?: 'ascii' | 'utf8';
      comments?: boolean;
    }): Promise<{ output: { type: string; fileName: string; moduleIds?: string[] }[] }>;
    close(): Promise<void>;
  }>;
}

/**
 * Rolldown, the bundler Vite builds the web app with, from Vite's own install (Vite is a dependency:
 * `npm start` builds the web app when it is missing).
 */
export async function loadBundler(): Promise<Bundler> {
  const fromVite = createRequire(fileURLToPath(import.meta.resolve('vite')));
  return (await import(pathToFileURL(fromVite.resolve('rolldown')).href)) as Bundler;
}

/** The folder of an installed package: the nearest folder above its entry whose package.json names it. */
function packageDirOf(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json of ${name} above its entry`);
    dir = up;
  }
}

/**
 * Every specifier of the package that resolves to an ES module for `import`: its entry and each subpath
 * of its exports (patterns left out), mapped to the file Node loads for it; and those that `require`
 * resolves to a CommonJS file of their own.
 */
function entriesOf(
  name: string,
  packageDir: string,
): { entries: Map<string, string>; requireEntries: Map<string, string> } {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    exports?: unknown;
  };
  const exported =
    pkg.exports && typeof pkg.exports === 'object' && Object.keys(pkg.exports).every((k) => k.startsWith('.'))
      ? Object.keys(pkg.exports)
      : ['.'];
  const entries = new Map<string, string>();
  const requireEntries = new Map<string, string>();
  const require = createRequire(import.meta.url);
  for (const subpath of exported) {
    if (subpath.includes('*') || subpath === './package.json') continue;
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    let file: string;
    try {
      const url = import.meta.resolve(specifier);
      if (!url.startsWith('file:') || !/\.m?js$/.test(url)) continue;
      file = fileURLToPath(url);
    } catch {
      continue;
    }
    entries.set(specifier, file);
    try {
      const required = require.resolve(specifier);
      if (required !== file && /\.c?js$/.test(required)) requireEntries.set(specifier, required);
    } catch {
      // Not for `require`.
    }
  }
  return { entries, requireEntries };
}

/** A bare specifier (another package or a Node built-in): left to Node, not put in the bundle. */
export const isBare = (id: string) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');

/** Writes one bundle of `entries` (name -> file) into `outDir`, in the given module format. */
async function bundle(
  bundler: Bundler,
  entries: Record<string, string>,
  outDir: string,
  format: 'esm' | 'cjs',
): Promise<void> {
  const build = await bundler.rolldown({
    input: entries,
    platform: 'node',
    external: isBare,
    // Everything the package runs stays, in the order it runs: the bundle stands in for the package.
    treeshake: false,
    logLevel: 'silent',
  });
  try {
    await build.write({
      dir: outDir,
      format,
      entryFileNames: format === 'esm' ? '[name].mjs' : '[name].cjs',
      chunkFileNames: format === 'esm' ? 'chunk-[hash].mjs' : 'chunk-[hash].cjs',
      strictExecutionOrder: true,
      // Held in memory for the process's life: see build-app-bundle.ts.
      charset: 'ascii',
      comments: false,
    });
  } finally {
    await build.close();
  }
}

async function bundlePackage(
  bundler: Bundler,
  name: string,
  outDir: string,
): Promise<VendoredPackage | undefined> {
  const packageDir = packageDirOf(name);
  const version = installedVersion(packageDir);
  const { entries, requireEntries } = entriesOf(name, packageDir);
  if (!version || entries.size === 0) return undefined;
  const dir = `${name.replace('/', '+')}@${version}`;
  const numbered = (map: Map<string, string>, prefix: string, extension: string) => {
    const input: Record<string, string> = {};
    const files: Record<string, string> = {};
    [...map].forEach(([specifier, file], index) => {
      input[`${prefix}-${index}`] = file;
      files[specifier] = `${prefix}-${index}.${extension}`;
    });
    return { input, files };
  };
  const esm = numbered(entries, 'entry', 'mjs');
  await bundle(bundler, esm.input, path.join(outDir, dir), 'esm');
  const cjs = numbered(requireEntries, 'require', 'cjs');
  if (requireEntries.size > 0) await bundle(bundler, cjs.input, path.join(outDir, dir), 'cjs');
  return {
    version,
    packageDir,
    dir,
    entries: esm.files,
    ...(requireEntries.size > 0 ? { requireEntries: cjs.files } : {}),
  };
}

/**
 * Bundles each of VENDORED_PACKAGES into `dir` (replacing what was there) and writes the manifest
 * `enableVendorBundles` reads. A package that cannot be bundled is left out and loads as it is.
 */
export async function buildVendorBundles(dir: string = VENDOR_DIR): Promise<VendorManifest> {
  const bundler = await loadBundler();
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const manifest: VendorManifest = { packages: {} };
  try {
    for (const name of VENDORED_PACKAGES) {
      try {
        const bundled = await bundlePackage(bundler, name, partial);
        if (bundled) manifest.packages[name] = bundled;
      } catch {
        // This package loads from its own files.
      }
    }
    writeFileSync(path.join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

/** Whether the bundles in `dir` were made for the packages installed now. */
export function vendorBundlesCurrent(dir: string = VENDOR_DIR): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as VendorManifest;
    return VENDORED_PACKAGES.every((name) => {
      const pkg = manifest.packages[name];
      return pkg !== undefined && installedVersion(pkg.packageDir) === pkg.version;
    });
  } catch {
    return false;
  }
}
