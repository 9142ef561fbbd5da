import { afterAll, beforeAll } from 'vitest';
import { createOwnSchemaDatabase, type OwnSchemaDatabase } from '../engine/own-schema.ts';
import type { AreaProcess } from '../engine/process-harness.ts';
import { TEST_DATABASE_URL } from './test-db.ts';

/** Which database the engine processes of a test use, for the test's name. */
export const PROCESS_DATABASE = TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

/**
 * The database for the engine processes a test suite starts: a schema of its own on the test
 * PostgreSQL, or PGlite in each process's own data directory. Processes handed to `track` are stopped
 * after the suite, before the schema is dropped.
 */
export function useProcessDatabase(): {
  env(): Record<string, string>;
  track(area: AreaProcess): AreaProcess;
} {
  let database: OwnSchemaDatabase | undefined;
  const started: AreaProcess[] = [];
  beforeAll(async () => {
    if (TEST_DATABASE_URL) database = await createOwnSchemaDatabase(TEST_DATABASE_URL);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await database?.close();
  }, 60_000);
  return {
    env: () => (database ? database.env : { DATABASE_URL: '' }),
    track: (area) => {
      started.push(area);
      return area;
    },
  };
}
