import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Area's own modules, bundled at install time (build-app-bundle.ts) so that `area` and the engine
 * process load a few files instead of some 320: Node spends about 0.3 ms on each module it loads,
 * whatever its size, and the start got 100-150 ms faster. The bundle is used only while every source
 * file it was made from is unchanged (same size and modification time); otherwise, or when there is
 * none, the modules load from src as they are. AREA_BUNDLE_DIR names another bundle folder, or `off`.
 */

/** The checkout: a bundle is used only by the checkout it was made from. */
export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the install writes the bundle. */
export const APP_BUNDLE_DIR = path.join(APP_ROOT, 'node_modules/.cache/area/app');

export const APP_MANIFEST_FILE = 'manifest.json';

/** The entry points bundled: what `area` (cli) and the engine process (engine) run. */
export const APP_ENTRIES = {
  cli: 'src/cli/cli.ts',
  engine: 'src/engine/engine-main.ts',
} as const;

export type AppEntry = keyof typeof APP_ENTRIES;

export interface AppManifest {
  /** The checkout the bundle was made from. */
  root: string;
  /** Entry -> its file, relative to the bundle folder. */
  entries: Record<AppEntry, string>;
  /** Every source file in the bundle: path relative to root, size, modification time (ms). */
  sources: [file: string, size: number, mtimeMs: number][];
}

/**
 * Why the bundle is not used; `sourceChanged` when a source file differs from the one bundled (the
 * bundle is out of date, not missing or turned off).
 */
export interface NotUsed {
  reason: string;
  sourceChanged: boolean;
}

/** Where the modules came from, and why not from the bundle when they did not. */
export type LoadedFrom = { from: 'bundle' } | ({ from: 'src' } & NotUsed);

/** The bundle folder to use: AREA_BUNDLE_DIR, or the install's; undefined when turned off. */
export function appBundleDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env['AREA_BUNDLE_DIR'];
  if (chosen === 'off') return undefined;
  return chosen ? path.resolve(chosen) : APP_BUNDLE_DIR;
}

/** The manifest of the bundle in `dir` when every file it was made from is unchanged, else why not. */
export function currentAppBundle(dir: string): { manifest: AppManifest } | NotUsed {
  let manifest: AppManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, APP_MANIFEST_FILE), 'utf8')) as AppManifest;
  } catch {
    return { reason: 'no start-up bundle was made', sourceChanged: false };
  }
  if (path.resolve(manifest.root) !== path.resolve(APP_ROOT))
    return { reason: `the start-up bundle was made for ${manifest.root}`, sourceChanged: false };
  for (const [file, size, mtimeMs] of manifest.sources) {
    let stat: { size: number; mtimeMs: number };
    try {
      stat = statSync(path.join(APP_ROOT, file));
    } catch {
      return { reason: `${file} is gone since the start-up bundle was made`, sourceChanged: true };
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) {
      return { reason: `${file} changed since the start-up bundle was made`, sourceChanged: true };
    }
  }
  return { manifest };
}

/**
 * The module of `entry`: from the bundle in `dir` while it is current, else `fromSource()`. Call it
 * after the vendor bundles' hook is registered (vendor-bundles.ts): the bundle imports packages by name.
 */
export async function loadApp<T>(
  entry: AppEntry,
  fromSource: () => Promise<T>,
  dir: string | undefined = appBundleDir(),
): Promise<{ module: T; loaded: LoadedFrom }> {
  const fromSrc = async (why: NotUsed) => ({
    module: await fromSource(),
    loaded: { from: 'src' as const, ...why },
  });
  if (!dir) return fromSrc({ reason: 'AREA_BUNDLE_DIR is off', sourceChanged: false });
  const current = currentAppBundle(dir);
  if ('reason' in current) return fromSrc(current);
  const file = path.join(dir, current.manifest.entries[entry]);
  return { module: (await import(pathToFileURL(file).href)) as T, loaded: { from: 'bundle' } };
}
