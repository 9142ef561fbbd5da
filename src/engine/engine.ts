import type { AppContext, BackgroundService } from '../app-context.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { Database } from '../db/connect.ts';
import { ActiveTriggerReader } from './active-triggers.ts';
import { ENGINE_CHANNEL, EngineBus } from './bus.ts';
import { catalogSteps } from './catalog-steps.ts';
import { type EngineAccess, engineAccess, fetchLimitsOf } from './connection-loader.ts';
import { IntakeBatcher, type RunHere } from './intake.ts';
import { PipelinedIntake } from './intake-pipeline.ts';
import { Poller } from './poller.ts';
import { RUN_QUEUE, type RunJob, RunQueue } from './queue.ts';
import { retentionService } from './retention.ts';
import { RunWriter } from './run-writer.ts';
import { Runner } from './runner.ts';
import { Scheduler } from './scheduler.ts';
import type { StepExecutor } from './step-executor.ts';
import { Subscriptions } from './subscriptions.ts';

const TEST_SCHEMA_PREFIX = 'area_t_';

/** The engine of one process: the queue, the intake, the runner, and the background parts of its roles. */
export interface Engine {
  queue: RunQueue;
  bus: EngineBus;
  intake: IntakeBatcher;
  runner: Runner;
  /** How this process starts the runs it takes in (worker role), as the scheduler and intake use it. */
  here: RunHere | undefined;
  creditCost: number;
  /** Connections, secrets and the fetch of trigger hooks, opened for a workflow's owner. */
  access: EngineAccess;
  /** The integration catalog of this process (read when needed: it may be attached after the engine). */
  catalog(): Catalog | undefined;
  /** The queue (always), the worker and the scheduler (by role), in start order. */
  services: BackgroundService[];
}

// Keyed by the database object, which every copy of the context (the HTTP one) shares.
const engines = new WeakMap<Database, Engine>();

/** The engine of this context; created on first use. */
export function engineOf(ctx: AppContext): Engine {
  let engine = engines.get(ctx.database);
  if (!engine) {
    engine = createEngine(ctx);
    engines.set(ctx.database, engine);
  }
  return engine;
}

// Read at call time: tests swap the catalog after the app is built.
function catalogOf(ctx: AppContext): Catalog | undefined {
  return ctx.catalog as Catalog | undefined;
}

export function createEngine(ctx: AppContext, options: { steps?: StepExecutor } = {}): Engine {
  const database = ctx.database as Database & { schema?: string; url?: string };
  const isTestSchema = database.schema?.startsWith(TEST_SCHEMA_PREFIX) === true;
  const url = database.url ?? ctx.config.databaseUrl;
  const queue = new RunQueue({
    database,
    log: ctx.log,
    url,
    schema: database.schema ? `${database.schema}_q` : ctx.config.engine.queueSchema,
    dropSchemaOnStop: isTestSchema,
    runExpirySeconds: ctx.config.engine.runExpirySeconds,
  });
  const bus = new EngineBus({
    pool: database.pool,
    url: database.kind === 'postgres' ? url : undefined,
    log: ctx.log,
  });
  const access = engineAccess(ctx);
  const steps =
    options.steps ??
    catalogSteps({
      db: ctx.db,
      catalog: () => catalogOf(ctx),
      fetchLimits: fetchLimitsOf(ctx),
      loadConnection: access.loadConnection,
      loadSecrets: access.loadSecrets,
    });
  const leaseSeconds = ctx.config.engine.runExpirySeconds;
  const writer = new RunWriter(
    ctx.db,
    bus,
    database.pool ? { pool: database.pool, channel: ENGINE_CHANNEL } : undefined,
  );
  const runner = new Runner({
    db: ctx.db,
    queue,
    bus,
    steps,
    writer,
    log: ctx.log,
    leaseSeconds,
    inlineConcurrency: ctx.config.workerConcurrency,
    sweepLapsedLeases: database.kind !== 'pglite',
  });
  const creditCost = ctx.config.engine.runCreditCost;
  // A process that runs workflows runs the ones it takes in itself, right after their commit.
  const here: RunHere | undefined = ctx.roles.has('worker')
    ? {
        launch: (claim) => runner.launch(claim),
        leaseSeconds,
        prepare: (versionIds) => void runner.preparePlans(versionIds),
        holdEndings: (firing, maxMs) => writer.holdWhile(firing, maxMs),
        allStarted: () => runner.allStarted(),
      }
    : undefined;
  // On PostgreSQL the intake sends its transaction in one round trip, on a connection of its own.
  const pipelined = database.pool ? new PipelinedIntake(database.pool, ctx.db, queue, ctx.log) : undefined;
  const intake = new IntakeBatcher(ctx.db, queue, creditCost, { here, pipelined });

  const services: BackgroundService[] = [
    {
      name: 'queue',
      start: async () => {
        await queue.start();
        await bus.start();
      },
      stop: async () => {
        await bus.stop();
        await intake.close();
        await queue.stop();
      },
    },
  ];
  if (ctx.roles.has('worker')) services.push(workerService(ctx, queue, runner, database));
  if (ctx.roles.has('scheduler')) {
    const reader = new ActiveTriggerReader(ctx.db);
    const activeTriggers = () => reader.read();
    const scheduler = new Scheduler({
      activeTriggers,
      db: ctx.db,
      queue,
      log: ctx.log,
      creditCost,
      here,
      catchUp: ctx.config.engine.scheduleCatchUp,
      catalog: () => catalogOf(ctx),
    });
    services.push({ name: 'scheduler', start: () => scheduler.start(), stop: () => scheduler.stop() });
    const poller = new Poller({
      activeTriggers,
      db: ctx.db,
      queue,
      log: ctx.log,
      creditCost,
      catalog: () => catalogOf(ctx),
      stopping: ctx.stopping,
      publicUrl: ctx.config.publicUrl,
      loadConnection: access.loadConnection,
      fetchLimits: fetchLimitsOf(ctx),
    });
    services.push({ name: 'poller', start: () => poller.start(), stop: () => poller.stop() });
    const subscriptions = new Subscriptions({
      activeTriggers,
      db: ctx.db,
      queue,
      log: ctx.log,
      creditCost,
      catalog: () => catalogOf(ctx),
      publicUrl: ctx.config.publicUrl,
      loadConnection: access.loadConnection,
      fetchLimits: fetchLimitsOf(ctx),
    });
    services.push({
      name: 'subscriptions',
      start: () => subscriptions.start(),
      stop: () => subscriptions.stop(),
    });
    services.push(
      retentionService({
        db: ctx.db,
        log: ctx.log,
        days: ctx.config.engine.retentionDays,
        perWorkflow: ctx.config.engine.retentionPerWorkflow,
      }),
    );
  }
  return { queue, bus, intake, runner, here, creditCost, access, catalog: () => catalogOf(ctx), services };
}

function workerService(
  ctx: AppContext,
  queue: RunQueue,
  runner: Runner,
  database: Database,
): BackgroundService {
  const concurrency = ctx.config.workerConcurrency;
  // Few pollers with large batches: every fetch is a statement on the database (on PGlite, on its one
  // session), so few fetches that each bring many jobs beat many pollers that mostly come back empty.
  const batchSize = Math.max(1, Math.min(10, Math.ceil(concurrency / 2)));
  const pollers = Math.max(1, Math.ceil(concurrency / batchSize));
  return {
    name: 'worker',
    async start() {
      await queue.start();
      const workId = await queue.boss.work<RunJob>(
        RUN_QUEUE,
        {
          batchSize,
          localConcurrency: pollers,
          burstWhenBatchFull: batchSize > 1,
          pollingIntervalSeconds: 2,
          notifyPollingIntervalSeconds: 5,
        },
        (jobs) => runner.runJobs(jobs.map((job) => job.data)),
      );
      queue.addWorker(workId);
      runner.startLeaseKeeping();
      // The embedded database had one process, now gone: the runs it held resume here.
      if (database.kind === 'pglite') await runner.resumeOrphans();
    },
    async stop() {
      await queue.boss.offWork(RUN_QUEUE, { wait: true }).catch(() => {});
      await runner.drain();
      runner.stopLeaseKeeping();
    },
  };
}
