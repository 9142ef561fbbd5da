import { Command, InvalidArgumentError, Option } from 'commander';
import { ALL_ROLES, type ProcessRole } from '../app-context.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { KeyRing, parseKey } from '../connections/crypto.ts';
import type { Database } from '../db/connect.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { compilePgliteWasm, prepareEmbeddedDataDir } from '../db/pglite-prepare.ts';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from '../db/seed.ts';
import { AppError } from '../http/errors.ts';
import { loadOrCreateKeyFile } from '../lib/key-file.ts';
import { VERSION } from '../lib/version.ts';
import type { LoadedFrom } from '../system/app-bundle.ts';
import { registerKeysCommand } from './keys-command.ts';
import { registerWorkflowCommands } from './workflow-command.ts';

// The application, the database driver and the migrator (some 1,700 modules) are imported by the
// commands that use them, not here: `area start` loads them while a new embedded data directory is
// unpacked on another thread, and `area --help` does not load them at all.

/** A failure the user can fix: printed as one line, exit code 1, no stack trace. */
class CliError extends Error {}

function config(): Config {
  return loadConfig(process.env);
}

async function withDatabase<T>(cfg: Config, work: (database: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../db/connect.ts');
  const database = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: 2 });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function parseRoles(value: string): ProcessRole[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles) {
    if (!(ALL_ROLES as readonly string[]).includes(role)) {
      throw new InvalidArgumentError(`unknown role "${role}"; use ${ALL_ROLES.join(', ')} (comma separated)`);
    }
  }
  return roles as ProcessRole[];
}

function parsePort(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number');
  return value;
}

/** `loaded`: where the code came from (the start-up bundle or src), told when Area starts. */
export function buildCli(
  loaded: LoadedFrom = { from: 'src', reason: 'loaded directly', sourceChanged: false },
): Command {
  const program = new Command('area')
    .description('Area: a self-hosted automation platform. Settings come from the environment (see README).')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('Run Area: API, web app, webhook intake, scheduler and workers (all by default)')
    .addOption(
      new Option(
        '--role <roles>',
        `roles this process plays, comma separated: ${ALL_ROLES.join(', ')}`,
      ).argParser(parseRoles),
    )
    .option('--no-migrate', 'do not apply pending database migrations at start')
    .option('--port <port>', 'HTTP port (overrides PORT)', parsePort)
    .option('--concurrency <n>', 'runs this worker executes at once (overrides WORKER_CONCURRENCY)')
    .action(async (opts: { role?: ProcessRole[]; migrate: boolean; port?: string; concurrency?: string }) => {
      const cfg = loadConfig({
        ...process.env,
        ...(opts.port ? { PORT: opts.port } : {}),
        ...(opts.concurrency ? { WORKER_CONCURRENCY: opts.concurrency } : {}),
      });
      // A new embedded data directory is unpacked, and the embedded database compiled, on other
      // threads while this one loads the code.
      const embedded = !cfg.databaseUrl;
      const preparing = embedded ? prepareEmbeddedDataDir(cfg.dataDir) : undefined;
      const compiling = embedded ? compilePgliteWasm() : undefined;
      const { createApp, describeDatabase } = await import('../main.ts');
      await preparing;
      const app = await createApp(cfg, {
        roles: opts.role ?? ALL_ROLES,
        migrate: opts.migrate,
        pgliteWasmModule: await compiling,
        startQueueEarly: true,
      });
      const url = await app.start();
      const roles = [...app.ctx.roles].join(', ');
      // From the process's own start: Node's boot and loading the code count too.
      const took = Math.round(performance.now());
      app.ctx.log.info({ roles, database: app.ctx.dbKind, ms: took, code: loaded.from }, 'Area started');
      if (loaded.from === 'src' && loaded.sourceChanged) {
        app.ctx.log.info(`started from src: ${loaded.reason}; npm run build:start makes the bundle again`);
      }
      process.stdout.write(
        `Area ${VERSION} is running${url ? ` at ${url}` : ''} (roles: ${roles}; database: ${describeDatabase(cfg)}; ready in ${took} ms)\n`,
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.ctx.log.info({ signal }, 'stopping: finishing in-flight work');
        const timer = setTimeout(() => {
          app.ctx.log.error('shutdown timed out; exiting');
          process.exit(1);
        }, cfg.shutdownTimeoutMs);
        timer.unref();
        app.close().then(
          () => {
            app.ctx.log.info('stopped');
            process.exit(0);
          },
          (error: unknown) => {
            app.ctx.log.error({ err: error }, 'error while stopping');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });

  const migrate = program.command('migrate').description('Manage the database schema');
  migrate
    .command('up')
    .description('Apply every pending migration')
    .action(async () => {
      const cfg = config();
      const { migrateUp } = await import('../db/migrator.ts');
      await withDatabase(cfg, async ({ db }) => {
        const results = await migrateUp(db);
        for (const r of results) process.stdout.write(`applied  ${r.migrationName}\n`);
        process.stdout.write(
          results.length ? `${results.length} migration(s) applied\n` : 'Already up to date\n',
        );
      });
    });
  migrate
    .command('down')
    .description('Revert the last migration (or all of them with --all)')
    .option('--all', 'revert every migration (drops all data)')
    .action(async (opts: { all?: boolean }) => {
      const cfg = config();
      const { migrateDown } = await import('../db/migrator.ts');
      await withDatabase(cfg, async ({ db }) => {
        const results = await migrateDown(db, opts.all === true);
        for (const r of results) process.stdout.write(`reverted ${r.migrationName}\n`);
        process.stdout.write(
          results.length ? `${results.length} migration(s) reverted\n` : 'Nothing to revert\n',
        );
      });
    });
  migrate
    .command('status')
    .description('List every migration and whether it is applied')
    .action(async () => {
      const cfg = config();
      const { migrationStatus } = await import('../db/migrator.ts');
      await withDatabase(cfg, async ({ db }) => {
        const list = await migrationStatus(db);
        for (const m of list) {
          process.stdout.write(
            `${m.executedAt ? 'applied ' : 'pending '} ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ''}\n`,
          );
        }
        const pending = list.filter((m) => !m.executedAt).length;
        process.stdout.write(`${list.length} migrations, ${pending} pending\n`);
      });
    });
  migrate
    .command('create')
    .description('Write a new numbered migration file with empty up and down')
    .argument('<name>', 'snake_case name, e.g. add_webhook_secrets')
    .action(async (name: string) => {
      const { createMigrationFile } = await import('../db/migrator.ts');
      try {
        process.stdout.write(`created ${await createMigrationFile(name)}\n`);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
    });

  program
    .command('seed')
    .description(
      `Create the demo data: ${DEMO_EMAIL} / ${DEMO_PASSWORD} (admin), a sample workflow and connection`,
    )
    .action(async () => {
      const cfg = config();
      const { migrateUp } = await import('../db/migrator.ts');
      await withDatabase(cfg, async ({ db }) => {
        await migrateUp(db);
        const keys = new KeyRing(
          parseKey(cfg.encryptionKey ?? loadOrCreateKeyFile(cfg.dataDir, 'encryption.key')),
        );
        const result = await seedDemo(db, keys);
        const made = Object.entries(result.created)
          .filter(([, v]) => v)
          .map(([k]) => k);
        process.stdout.write(
          made.length
            ? `Seeded: ${made.join(', ')}. Sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}\n`
            : `Demo data already present. Sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}\n`,
        );
      });
    });

  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user (the first user of an instance is always an admin)')
    .requiredOption('--email <email>', 'email address (stored lower-case)')
    .option('--password <password>', 'password, at least 10 characters (or set AREA_PASSWORD)')
    .option('--name <name>', 'display name')
    .option('--username <username>', 'unique user name')
    .option('--admin', 'give the admin role')
    .action(
      async (opts: {
        email: string;
        password?: string;
        name?: string;
        username?: string;
        admin?: boolean;
      }) => {
        const cfg = config();
        const password = opts.password ?? process.env['AREA_PASSWORD'];
        if (!password) throw new CliError('A password is required: --password or AREA_PASSWORD');
        const { migrateUp } = await import('../db/migrator.ts');
        const { createUser } = await import('../accounts/users.ts');
        await withDatabase(cfg, async ({ db }) => {
          await migrateUp(db);
          const created = await createUser(db, {
            email: opts.email,
            password,
            name: opts.name,
            username: opts.username,
            admin: opts.admin === true,
          });
          process.stdout.write(`Created user ${created.email} (${created.id})\n`);
        });
      },
    );

  registerKeysCommand(program);
  registerWorkflowCommands(program);
  return program;
}

/** Runs the CLI; area.ts calls it once the process is set up (V8's flags, the packages' bundles). */
export async function runCli(argv: string[], loaded?: LoadedFrom): Promise<void> {
  try {
    await buildCli(loaded).parseAsync(argv);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof CliError ||
      error instanceof DataDirLockedError ||
      error instanceof AppError
    ) {
      process.stderr.write(`area: ${error.message}\n`);
      process.exit(1);
    }
    const e = error as NodeJS.ErrnoException;
    if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === '3D000' || e?.code === '28P01') {
      process.stderr.write(`area: cannot reach the database: ${e.message}\n`);
      process.exit(1);
    }
    if (e?.code === 'EADDRINUSE') {
      process.stderr.write(`area: the port is already in use (${e.message}); set PORT to another one\n`);
      process.exit(1);
    }
    throw error;
  }
}
