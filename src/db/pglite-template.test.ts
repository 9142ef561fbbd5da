import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import { catalogSnapshot } from './catalog-snapshot.ts';
import { type Database, openDatabase } from './connect.ts';
import { migrationStatus } from './migrator.ts';
import { pgliteTemplatePath, unpackPgliteTemplate } from './pglite-template-file.ts';

describe.skipIf(TEST_DB_KIND !== 'pglite')('a new embedded data directory', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'area-tpl-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is unpacked from the template into the same database PGlite loads from it', async () => {
    const dataDir = fresh();
    // A start killed while unpacking left this behind; it is cleared.
    mkdirSync(path.join(dataDir, 'pgdata.partial-1'), { recursive: true });
    const unpacked = await openDatabase({ dataDir });
    const loaded = await openDatabase({ pgliteTemplate: new Blob([readFileSync(pgliteTemplatePath())]) });
    try {
      expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
      expect(readdirSync(dataDir).filter((name) => name.includes('partial'))).toEqual([]);
      const applied = await migrationStatus(unpacked.db);
      expect(applied.length).toBeGreaterThan(0);
      expect(applied.every((m) => m.executedAt)).toBe(true);
      expect(await catalogSnapshot(unpacked.db)).toEqual(await catalogSnapshot(loaded.db));
      await unpacked.db.insertInto('roles').values({ name: 'probe', permissions: '[]' }).execute();
    } finally {
      await closeAll(unpacked, loaded);
    }
    const again = await openDatabase({ dataDir });
    try {
      const roles = await again.db.selectFrom('roles').select('name').where('name', '=', 'probe').execute();
      expect(roles).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('refuses a directory that already holds a database', () => {
    const pgdata = path.join(fresh(), 'pgdata');
    mkdirSync(pgdata);
    writeFileSync(path.join(pgdata, 'PG_VERSION'), '17\n');
    expect(() => unpackPgliteTemplate(pgdata)).toThrow();
    expect(readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(readdirSync(path.dirname(pgdata))).toEqual(['pgdata']);
  });
});

async function closeAll(...databases: Database[]): Promise<void> {
  for (const database of databases) await database.close();
}
