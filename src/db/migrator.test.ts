import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../testing/test-db.ts';
import { allMigrationsApplied, migrateDown, migrateUp, migrationStatus } from './migrator.ts';

describe(`the migrator (${TEST_DB_KIND})`, () => {
  it('tells whether every migration is applied without running the migrator', async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      expect(await allMigrationsApplied(database.db)).toBe(false);
      await migrateUp(database.db);
      expect(await allMigrationsApplied(database.db)).toBe(true);
      await migrateDown(database.db);
      expect(await allMigrationsApplied(database.db)).toBe(false);
      const status = await migrationStatus(database.db);
      expect(status.filter((m) => !m.executedAt)).toHaveLength(1);
      await migrateUp(database.db);
      expect(await allMigrationsApplied(database.db)).toBe(true);
    } finally {
      await database.close();
    }
  });
});
