import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web app into web/dist with Vite. Run by `npm install` (postinstall), by `npm start`
 * when web/dist is missing, and by the browser tests when a source is newer than the build.
 *   node web/build.ts              build
 *   node web/build.ts --if-missing build only when web/dist has no index.html
 *   node web/build.ts --if-stale   build only when a source file is newer than the build
 *   add --soft to report a failure without failing the calling command (postinstall)
 */
export const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DIST_INDEX = path.join(WEB_DIR, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(WEB_DIR, 'src')),
    statSync(path.join(WEB_DIR, 'index.html')).mtimeMs,
    statSync(path.join(WEB_DIR, 'vite.config.ts')).mtimeMs,
  );
  return sources > built;
}

/**
 * Builds into a fresh folder and swaps it in, so two builds at once (parallel test files) and a
 * server reading the old build never see half a build.
 */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  const dist = path.join(WEB_DIR, 'dist');
  const fresh = path.join(WEB_DIR, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({
      configFile: path.join(WEB_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: fresh, emptyOutDir: true },
    });
    const old = `${fresh}-old`;
    if (existsSync(dist)) renameSync(dist, old);
    try {
      renameSync(fresh, dist);
    } catch {
      // Another build swapped its result in first: it is as new as ours.
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  if (args.includes('--if-missing') && existsSync(DIST_INDEX)) return;
  if (args.includes('--if-stale') && !webBuildIsStale()) return;
  const started = performance.now();
  try {
    await buildWeb();
    process.stdout.write(`web app built in ${Math.round(performance.now() - started)} ms (web/dist)\n`);
  } catch (error) {
    process.stderr.write(`web app build failed: ${(error as Error).message}\n`);
    if (!args.includes('--soft')) process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
