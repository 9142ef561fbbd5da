import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAreaProcess } from '../engine/process-harness.ts';
import { PROCESS_DATABASE, useProcessDatabase } from '../testing/process-database.ts';
import {
  APP_BUNDLE_DIR,
  APP_MANIFEST_FILE,
  type AppManifest,
  appBundleDir,
  currentAppBundle,
} from './app-bundle.ts';
import { buildAppBundle } from './build-app-bundle.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Beside the install's bundle: the packages it imports by name resolve from there as they do for it.
const DIR = `${APP_BUNDLE_DIR}-test-${process.pid}`;

/** A folder holding only a manifest: `change` edits a copy of the built one. */
function manifestOnly(name: string, change: (m: AppManifest) => void): string {
  const manifest = JSON.parse(readFileSync(path.join(DIR, APP_MANIFEST_FILE), 'utf8')) as AppManifest;
  change(manifest);
  const dir = `${DIR}-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, APP_MANIFEST_FILE), JSON.stringify(manifest));
  return dir;
}

describe('start-up bundle', () => {
  let manifest: AppManifest;

  beforeAll(async () => {
    manifest = await buildAppBundle(DIR);
  }, 120_000);

  afterAll(() => {
    for (const suffix of ['', '-changed', '-gone', '-elsewhere', '-empty']) {
      rmSync(`${DIR}${suffix}`, { recursive: true, force: true });
    }
  });

  it("records each of Area's source files it holds, as they were read", () => {
    const files = manifest.sources.map(([file]) => file);
    for (const file of ['src/main.ts', 'src/cli/cli.ts', 'src/engine/engine-main.ts', 'src/db/migrator.ts']) {
      expect(files).toContain(file);
    }
    expect(files.length).toBeGreaterThan(200);
    expect(files.every((f) => f.startsWith('src/') && !f.endsWith('.test.ts'))).toBe(true);
    for (const [file, size, mtimeMs] of manifest.sources) {
      const stat = statSync(path.join(ROOT, file));
      expect([file, stat.size, stat.mtimeMs]).toEqual([file, size, mtimeMs]);
    }
    expect(existsSync(path.join(DIR, manifest.entries.cli))).toBe(true);
    expect(existsSync(path.join(DIR, manifest.entries.engine))).toBe(true);
    expect(currentAppBundle(DIR)).toEqual({ manifest });
  });

  it('is out of date once a source changed or is gone, or when it was made for another checkout', () => {
    const changed = manifestOnly('changed', (m) => {
      const main = m.sources.find(([file]) => file === 'src/main.ts');
      if (main) main[1] += 1;
    });
    expect(currentAppBundle(changed)).toEqual({
      reason: 'src/main.ts changed since the start-up bundle was made',
      sourceChanged: true,
    });
    const gone = manifestOnly('gone', (m) => {
      m.sources.push(['src/removed-since.ts', 10, 1]);
    });
    expect(currentAppBundle(gone)).toEqual({
      reason: 'src/removed-since.ts is gone since the start-up bundle was made',
      sourceChanged: true,
    });
    const elsewhere = manifestOnly('elsewhere', (m) => {
      m.root = '/elsewhere/area';
    });
    expect(currentAppBundle(elsewhere)).toEqual({
      reason: 'the start-up bundle was made for /elsewhere/area',
      sourceChanged: false,
    });
    mkdirSync(`${DIR}-empty`, { recursive: true });
    expect(currentAppBundle(`${DIR}-empty`)).toEqual({
      reason: 'no start-up bundle was made',
      sourceChanged: false,
    });
  });

  it("uses AREA_BUNDLE_DIR when set, `off` turns it off, else the install's folder", () => {
    expect(appBundleDir({})).toBe(APP_BUNDLE_DIR);
    expect(appBundleDir({ AREA_BUNDLE_DIR: 'off' })).toBeUndefined();
    expect(appBundleDir({ AREA_BUNDLE_DIR: DIR })).toBe(DIR);
  });

  describe(`an engine process (${PROCESS_DATABASE})`, () => {
    const database = useProcessDatabase();

    const start = async (bundleDir: string) => {
      const area = database.track(
        await startAreaProcess('api,worker,scheduler', { ...database.env(), AREA_BUNDLE_DIR: bundleDir }),
      );
      const health = await fetch(`${area.url}/api/v1/health`);
      expect(health.status).toBe(200);
      await area.stop();
      return area.loadedFrom;
    };

    it('runs from the bundle while it is current, and from src when it is not or is turned off', async () => {
      expect(await start(DIR)).toBe('bundle');
      const changed = manifestOnly('changed', (m) => {
        const main = m.sources.find(([file]) => file === 'src/main.ts');
        if (main) main[1] += 1;
      });
      expect(await start(changed)).toBe('src');
      expect(await start('off')).toBe('src');
    }, 120_000);
  });
});
