import type { AppContext, ProcessRole } from './app-context.ts';
import type { ServiceDefinition } from './catalog/define.ts';
import { createCatalog } from './catalog/registry.ts';
import { syncCatalog } from './catalog/sync-catalog.ts';
import { type Config, redactUrl } from './config.ts';
import { keyRingFromConfig } from './connections/key-ring-from-config.ts';
import { type Database, openDatabase } from './db/connect.ts';
import { allMigrationsApplied, migrateUp } from './db/migrator.ts';
import { tableMaintenanceService } from './db/table-maintenance.ts';
import { engineOf } from './engine/engine.ts';
import type { RunQueue } from './engine/queue.ts';
import { createMetricsRegistry } from './http/metrics.ts';
import type { App } from './http/route-module.ts';
import { buildServer, type ServerOptions } from './http/server.ts';
import { allServices } from './integrations/all-services.ts';
import { loadOrCreateKeyFile } from './lib/key-file.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { VERSION } from './lib/version.ts';
import { healthCheckService } from './system/health-check-service.ts';
import { scheduleMemoryRelease } from './system/memory-release.ts';

export interface CreateAppOptions {
  roles?: readonly ProcessRole[];
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config. */
  database?: Database;
  extraRoutes?: ServerOptions['extraRoutes'];
  /** The integrations of the catalog (default: every service this build ships). */
  integrations?: readonly ServiceDefinition[];
  /** The embedded database's WebAssembly, compiled while the code loaded (`compilePgliteWasm`). */
  pgliteWasmModule?: WebAssembly.Module | undefined;
  /**
   * Begin starting the job queue while the catalog is synced and the server built, for a caller that
   * calls start() at once (`area start`, the engine process). On PostgreSQL the queue's start is mostly
   * waiting for the database (installing pg-boss's tables in a new database, 0.1 s), which this work
   * fills.
   */
  startQueueEarly?: boolean;
}

export interface AreaApp {
  ctx: AppContext;
  /** The HTTP server when this process plays the api role. */
  server: App | undefined;
  /** Starts listening (api role) and the background services; returns the URL. */
  start(): Promise<string | undefined>;
  /** Graceful stop: no new work, in-flight requests and runs finish, then the database closes. */
  close(): Promise<void>;
}

/** The composition root: config -> log -> database -> keys -> server and background services. */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<AreaApp> {
  const log =
    options.logger ?? createLogger(config.logLevel, config.nodeEnv !== 'production' && process.stdout.isTTY);
  const roles = new Set<ProcessRole>(options.roles ?? ['api', 'worker', 'scheduler']);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      pgliteWasmModule: options.pgliteWasmModule,
    }));
  const stopController = new AbortController();
  let queue: RunQueue | undefined;
  try {
    if ((options.migrate ?? true) && !(await allMigrationsApplied(database.db))) {
      const applied = await migrateUp(database.db);
      if (applied.length > 0)
        log.info({ migrations: applied.map((m) => m.migrationName) }, 'database migrated');
    }
    const catalog = createCatalog(options.integrations ?? allServices);
    const ctx: AppContext = {
      config,
      db: database.db,
      dbKind: database.kind,
      database,
      log,
      metrics: createMetricsRegistry(),
      roles,
      stopping: stopController.signal,
      keys: keyRingFromConfig(config),
      jwtSecret: new TextEncoder().encode(
        config.jwtSecret ?? loadOrCreateKeyFile(config.dataDir, 'jwt.secret'),
      ),
      services: [],
      catalog,
    };
    if (roles.has('scheduler')) ctx.services.push(healthCheckService(ctx));
    // The job queue for every role; the worker and the scheduler by role.
    const engine = engineOf(ctx);
    // The embedded database has no autovacuum; a PostgreSQL server has its own, and Area's tables are
    // looked after here only while it is turned off there.
    ctx.services.push(
      database.kind === 'pglite'
        ? tableMaintenanceService({ db: database.db, log })
        : tableMaintenanceService({
            db: database.db,
            log,
            server: true,
            schemas: [engine.queue.schema],
            // autovacuum_naptime's default: as often as the server's own autovacuum would look.
            fullIntervalMs: 60_000,
          }),
    );
    ctx.services.push(...engine.services);
    if (options.startQueueEarly) {
      // Awaited by the queue service's start (the same promise); a failure surfaces there.
      queue = engine.queue;
      queue.start().catch(() => {});
    }
    await syncCatalog(database.db, catalog);
    const server = roles.has('api')
      ? await buildServer(ctx, {
          version: VERSION,
          ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
        })
      : undefined;
    let closing: Promise<void> | undefined;
    let memoryRelease: { cancel(): void } | undefined;

    return {
      ctx,
      server,
      async start() {
        // The server gets ready (its plugins, its onReady hooks) while the services start: on
        // PostgreSQL the queue's start is mostly waiting for the database. It listens only once both are done.
        const ready =
          server &&
          new Promise<void>((resolve, reject) => {
            server.ready((error) => (error ? reject(error) : resolve()));
          });
        ready?.catch(() => {});
        for (const service of ctx.services) await service.start();
        const pglite = database.pglite;
        memoryRelease = scheduleMemoryRelease({
          zeroPageMemories: () => (pglite ? [pglite.Module.HEAPU8.buffer] : []),
          onRelease: ({ zeroPageBytes, collected, residentBytes }) =>
            log.debug(
              {
                zeroPageMb: Math.round(zeroPageBytes / 2 ** 20),
                collected,
                rssMb: Math.round(residentBytes / 2 ** 20),
              },
              'memory handed back to the system',
            ),
        });
        if (!server) return undefined;
        await ready;
        await server.listen({ port: config.port, host: config.host });
        const address = server.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
        return `http://${shownHost}:${port}`;
      },
      close() {
        closing ??= (async () => {
          stopController.abort();
          memoryRelease?.cancel();
          if (server) {
            // Connections that go idle after the close began (a response just sent on keep-alive)
            // would otherwise hold the close open until their keep-alive timeout.
            const sweep = setInterval(() => server.server.closeIdleConnections(), 50);
            const force = setTimeout(() => server.server.closeAllConnections(), config.shutdownTimeoutMs);
            try {
              await server.close();
            } finally {
              clearInterval(sweep);
              clearTimeout(force);
            }
          }
          for (const service of [...ctx.services].reverse()) {
            try {
              await service.stop();
            } catch (error) {
              log.error({ err: error, service: service.name }, 'service did not stop cleanly');
            }
          }
          if (!options.database) await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await queue?.stop().catch(() => {});
    if (!options.database) await database.close();
    throw error;
  }
}

export function describeDatabase(config: Config): string {
  return config.databaseUrl
    ? `PostgreSQL at ${redactUrl(config.databaseUrl)}`
    : `embedded PGlite in ${config.dataDir}`;
}
