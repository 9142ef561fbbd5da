import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { AppContext, ProcessRole } from '../app-context.ts';
import { type Config, loadConfig } from '../config.ts';
import type { App, RouteModule } from '../http/route-module.ts';
import { type AreaApp, createApp } from '../main.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export interface TestApp {
  app: AreaApp;
  ctx: AppContext;
  server: App;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/**
 * A whole Area on a fresh database of its own (embedded or a PostgreSQL schema, see test-db.ts),
 * with a temporary data directory, silent logs, and the HTTP server ready for `server.inject`.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; roles?: ProcessRole[]; extraRoutes?: RouteModule[] } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AREA_ENCRYPTION_KEY: 'a'.repeat(64),
    AREA_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    PUBLIC_URL: 'http://area.test',
    ...options.env,
  });
  const database = await createTestDatabase();
  const app = await createApp(config, {
    database,
    migrate: false,
    logger: pino({ level: 'silent' }),
    roles: options.roles ?? ['api'],
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });
  if (!app.server) throw new Error('createTestApp needs the api role');
  await app.server.ready();
  return {
    app,
    ctx: app.ctx,
    server: app.server,
    database,
    config,
    close: async () => {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
