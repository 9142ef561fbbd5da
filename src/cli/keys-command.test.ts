import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../accounts/users.ts';
import { createCatalog } from '../catalog/registry.ts';
import { syncCatalog } from '../catalog/sync-catalog.ts';
import { loadConfig } from '../config.ts';
import { keyRingFromConfig } from '../connections/key-ring-from-config.ts';
import { loadSecrets } from '../connections/secrets.ts';
import { type Database, openDatabase } from '../db/connect.ts';
import { migrateUp } from '../db/migrator.ts';
import { coreServices } from '../integrations/core-services.ts';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../testing/test-db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'src/cli/area.ts');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'warn', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/**
 * `area keys rotate` with the generated key file: a new key replaces the file, the old one moves to
 * encryption.key.previous, and every connection and secret is re-sealed and still opens.
 */
describe('area keys rotate (key file in DATA_DIR)', () => {
  let dataDir: string;
  let shared: TestDatabase | undefined;
  let env: Record<string, string>;

  async function open(): Promise<Database> {
    return shared ?? openDatabase({ dataDir });
  }
  async function done(database: Database): Promise<void> {
    if (!shared) await database.close();
  }

  beforeAll(async () => {
    // Each embedded open of a data directory and each CLI process takes seconds.
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-keys-'));
    env = { DATA_DIR: dataDir };
    if (TEST_DATABASE_URL) {
      shared = await createTestDatabase();
      env['DATABASE_URL'] = shared.url!;
    }
  });
  afterAll(async () => {
    await shared?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-seals every value under a new key and keeps them readable', async () => {
    const config = loadConfig(env);
    const before = keyRingFromConfig(config);
    const database = await open();
    let userId: string;
    try {
      await migrateUp(database.db);
      const catalog = createCatalog(coreServices);
      await syncCatalog(database.db, catalog);
      userId = (
        await createUser(database.db, { email: 'keys@example.com', password: 'correct-horse-battery' })
      ).id;
      await database.db
        .insertInto('connections')
        .values({
          user_id: userId,
          service_id: catalog.service('http')!.id!,
          name: 'Sealed',
          encrypted_credentials: before.sealJson({ type: 'bearer', token: 'rotate-me-123' }),
        })
        .execute();
      await database.db
        .insertInto('secrets')
        .values({ user_id: userId, name: 'TOKEN', encrypted_payload: before.seal('secret-value-xyz') })
        .execute();
    } finally {
      await done(database);
    }

    const result = await run(['keys', 'rotate'], env);
    expect(result.out).toMatch(/Re-encrypted 1 connection\(s\) and 1 secret\(s\)/);
    expect(result.code).toBe(0);

    const after = keyRingFromConfig(loadConfig(env));
    expect(after.current.id).not.toBe(before.current.id);
    const keysDir = path.join(dataDir, 'keys');
    expect(readFileSync(path.join(keysDir, 'encryption.key.previous'), 'utf8')).toContain(
      before.current.material.toString('hex'),
    );
    expect(statSync(path.join(keysDir, 'encryption.key')).mode & 0o777).toBe(0o600);

    const again = await open();
    try {
      const row = await again.db
        .selectFrom('connections')
        .select('encrypted_credentials')
        .executeTakeFirstOrThrow();
      expect(row.encrypted_credentials.startsWith(`v1:${after.current.id}:`)).toBe(true);
      expect(after.openJson(row.encrypted_credentials)).toEqual({ type: 'bearer', token: 'rotate-me-123' });
      expect(await loadSecrets(again.db, after, userId)).toEqual({ TOKEN: 'secret-value-xyz' });
    } finally {
      await done(again);
    }
  }, 240_000);
});
