import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  APP_BUNDLE_DIR,
  APP_ENTRIES,
  APP_MANIFEST_FILE,
  APP_ROOT,
  type AppEntry,
  type AppManifest,
} from './app-bundle.ts';
import { isBare, loadBundler } from './build-vendor-bundles.ts';

/** A module of the checkout (not a package's or a virtual one): the manifest lists these. */
const isAreaSource = (id: string) => path.isAbsolute(id) && id.startsWith(APP_ROOT);

/**
 * Bundles Area's own modules (app-bundle.ts says why) into `dir`, replacing what was there, with the
 * manifest that tells whether the bundle is still current. Packages stay outside (imported by name).
 * Each module keeps its own `import.meta.url`, so the paths it builds from it (migrations, the web
 * app, worker threads) still point into the checkout.
 */
export async function buildAppBundle(dir: string = APP_BUNDLE_DIR): Promise<AppManifest> {
  const bundler = await loadBundler();
  const input = Object.fromEntries(
    Object.entries(APP_ENTRIES).map(([name, file]) => [name, path.join(APP_ROOT, file)]),
  );
  // Each source's size and time as it was read: one changed later makes the bundle out of date.
  const read = new Map<string, [size: number, mtimeMs: number]>();
  const build = await bundler.rolldown({
    input,
    platform: 'node',
    external: isBare,
    // Every module runs as it does from src, in the same order.
    treeshake: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        transform(code, id) {
          if (isAreaSource(id) && !read.has(id)) {
            const stat = statSync(id);
            read.set(id, [stat.size, stat.mtimeMs]);
          }
          if (!code.includes('import.meta.url')) return null;
          return { code: code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href)) };
        },
      },
    ],
  });
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const { output } = await build.write({
      dir: partial,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunk-[hash].mjs',
      strictExecutionOrder: true,
      // Source text is kept in memory for the process's life: without comments it is smaller, and
      // ASCII-only text is held one byte per character instead of two.
      charset: 'ascii',
      comments: false,
    });
    const files = new Set<string>();
    for (const chunk of output) {
      for (const id of chunk.moduleIds ?? []) if (isAreaSource(id)) files.add(id);
    }
    const manifest: AppManifest = {
      root: APP_ROOT,
      entries: Object.fromEntries(Object.keys(APP_ENTRIES).map((name) => [name, `${name}.mjs`])) as Record<
        AppEntry,
        string
      >,
      sources: [...files].sort().map((file) => {
        const [size, mtimeMs] = read.get(file) ?? [-1, -1];
        return [path.relative(APP_ROOT, file), size, mtimeMs];
      }),
    };
    writeFileSync(path.join(partial, APP_MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    return manifest;
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await build.close();
  }
}
