import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVendorBundles } from './build-vendor-bundles.ts';
import { MANIFEST_FILE, VENDORED_PACKAGES, type VendorManifest } from './vendor-bundles.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK = new URL('./vendor-bundles.ts', import.meta.url).href;

/** Runs `code` (an ES module) in a Node process of its own, from the project's folder; returns its JSON. */
function inChild<T>(code: string, env: Record<string, string> = {}): T {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

describe('packages loaded from install-time bundles', () => {
  let dir: string;
  let manifest: VendorManifest;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'area-vendor-'));
    manifest = await buildVendorBundles(path.join(dir, 'vendor'));
  }, 60_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('bundles every listed package, each entry exporting what the package exports', () => {
    expect(Object.keys(manifest.packages).sort()).toEqual([...VENDORED_PACKAGES].sort());
    const specifiers = Object.values(manifest.packages).flatMap((pkg) => Object.keys(pkg.entries));
    const required = Object.values(manifest.packages).flatMap((pkg) => Object.keys(pkg.requireEntries ?? {}));
    expect(specifiers).toEqual(
      expect.arrayContaining(['kysely', 'kysely/migration', 'typebox', 'typebox/value']),
    );
    expect(required).toContain('@opentelemetry/api');
    const exportsOf = `
      const { createRequire } = await import('node:module');
      const { enableVendorBundles } = await import(${JSON.stringify(HOOK)});
      const used = process.env.VENDOR ? enableVendorBundles(process.env.VENDOR) : [];
      const shape = (module) => Object.keys(module).sort().map((name) => name + ':' + typeof module[name]);
      const shapes = {};
      for (const specifier of ${JSON.stringify(specifiers)}) {
        shapes[specifier] = [import.meta.resolve(specifier).includes('/vendor/'), shape(await import(specifier))];
      }
      const require = createRequire(${JSON.stringify(`${ROOT}package.json`)});
      for (const specifier of ${JSON.stringify(required)}) {
        shapes['require ' + specifier] = [require.resolve(specifier).includes('/vendor/'), shape(require(specifier))];
      }
      console.log(JSON.stringify({ used, shapes }));`;
    type Shapes = { used: string[]; shapes: Record<string, [boolean, string[]]> };
    const own = inChild<Shapes>(exportsOf);
    const bundled = inChild<Shapes>(exportsOf, { VENDOR: path.join(dir, 'vendor') });
    expect(own.used).toEqual([]);
    expect(bundled.used.sort()).toEqual([...VENDORED_PACKAGES].sort());
    for (const specifier of [...specifiers, ...required.map((name) => `require ${name}`)]) {
      expect(own.shapes[specifier]![0], specifier).toBe(false);
      expect(bundled.shapes[specifier]![0], specifier).toBe(true);
      expect(bundled.shapes[specifier]![1], specifier).toEqual(own.shapes[specifier]![1]);
      expect(own.shapes[specifier]![1].length, specifier).toBeGreaterThan(0);
    }
  });

  it('loads the application with no module of a bundled package from its own files', () => {
    const loaded = inChild<{ urls: string[] }>(
      `
      const { registerHooks } = await import('node:module');
      const urls = [];
      registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
      const { enableVendorBundles } = await import(${JSON.stringify(HOOK)});
      enableVendorBundles(process.env.VENDOR);
      await import(${JSON.stringify(new URL('../main.ts', import.meta.url).href)});
      await import(${JSON.stringify(new URL('../integrations/all-services.ts', import.meta.url).href)});
      await import(${JSON.stringify(new URL('../db/migrator.ts', import.meta.url).href)});
      console.log(JSON.stringify({ urls }));`,
      { VENDOR: path.join(dir, 'vendor') },
    );
    const fromPackages = loaded.urls.filter((url) =>
      VENDORED_PACKAGES.some((name) => url.includes(`/node_modules/${name}/`)),
    );
    expect(fromPackages).toEqual([]);
    // Their own imports of other packages (file-type's readers) resolved from the packages' folders.
    expect(loaded.urls.some((url) => url.includes('/node_modules/token-types/'))).toBe(true);
    expect(loaded.urls.filter((url) => url.includes('/vendor/')).length).toBeGreaterThan(
      VENDORED_PACKAGES.length,
    );
  });

  it('leaves a package whose installed version is not the one bundled to its own files', () => {
    const stale = path.join(dir, 'stale');
    cpSync(path.join(dir, 'vendor'), stale, { recursive: true });
    const file = path.join(stale, MANIFEST_FILE);
    const edited = JSON.parse(readFileSync(file, 'utf8')) as VendorManifest;
    edited.packages['kysely']!.version = '0.0.0';
    writeFileSync(file, JSON.stringify(edited));
    const result = inChild<{ used: string[]; kysely: string; typebox: string }>(
      `
      const { enableVendorBundles } = await import(${JSON.stringify(HOOK)});
      const used = enableVendorBundles(process.env.VENDOR);
      console.log(JSON.stringify({ used, kysely: import.meta.resolve('kysely'), typebox: import.meta.resolve('typebox') }));`,
      { VENDOR: stale },
    );
    expect(result.used).not.toContain('kysely');
    expect(result.used).toContain('typebox');
    expect(result.kysely).toContain('/node_modules/kysely/');
    expect(result.typebox).toContain('/stale/');
  });

  it('loads nothing from bundles when there are none', () => {
    const result = inChild<{ used: string[] }>(
      `
      const { enableVendorBundles } = await import(${JSON.stringify(HOOK)});
      console.log(JSON.stringify({ used: enableVendorBundles(process.env.VENDOR) }));`,
      { VENDOR: path.join(dir, 'missing') },
    );
    expect(result.used).toEqual([]);
  });
});
