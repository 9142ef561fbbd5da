import fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { AppError } from '../http/errors.ts';
import type { WorkflowDeps } from '../workflows/save-workflow.ts';
import type { WorkflowImport } from '../workflows/workflow-export.ts';

function collectConnection(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('use NODE_OR_SERVICE=CONNECTION_ID, e.g. email=0192f...');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** The catalog, the database and the workflow code, loaded by these commands only (not with the CLI). */
async function withDeps<T>(work: (deps: WorkflowDeps) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../db/connect.ts');
  const { migrateUp } = await import('../db/migrator.ts');
  const { createCatalog } = await import('../catalog/registry.ts');
  const { syncCatalog } = await import('../catalog/sync-catalog.ts');
  const { allServices } = await import('../integrations/all-services.ts');
  const { ConfigChecker } = await import('../workflows/config-checker.ts');
  const cfg = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: 2 });
  try {
    await migrateUp(database.db);
    // Validation reads the synced catalog tables: bring them in step with this build first.
    const catalog = createCatalog(allServices);
    await syncCatalog(database.db, catalog);
    return await work({ db: database.db, checker: new ConfigChecker(), catalog });
  } finally {
    await database.close();
  }
}

/** Prints every problem of a validation error before the one-line message the CLI ends with. */
function reportProblems(error: unknown): never {
  if (error instanceof AppError) {
    const problems = (error.details?.['problems'] ?? []) as { path: string; message: string }[];
    for (const p of problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
  }
  throw error;
}

/** `area workflow import FILE` and `area workflow export ID FILE` (the `workflow` command is shared). */
export function registerWorkflowCommands(program: Command): void {
  const workflow =
    program.commands.find((c) => c.name() === 'workflow') ??
    program.command('workflow').description('Manage workflows');

  workflow
    .command('export')
    .description(
      'Write a workflow as a portable JSON document (no credentials; connections listed by service)',
    )
    .argument('<id>', 'workflow id')
    .argument('<file>', 'where to write it; - for standard output')
    .action(async (id: string, file: string) => {
      const text = await withDeps(async (deps) => {
        const row = await deps.db
          .selectFrom('workflows')
          .select('user_id')
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!row) throw AppError.notFound('Workflow');
        const { exportWorkflow } = await import('../workflows/workflow-export.ts');
        return `${JSON.stringify(await exportWorkflow(deps, row.user_id, id), null, 2)}\n`;
      });
      if (file === '-') process.stdout.write(text);
      else {
        fs.writeFileSync(file, text);
        process.stdout.write(`Exported ${id} to ${file}\n`);
      }
    });

  workflow
    .command('import')
    .description('Create a draft workflow from an exported JSON document')
    .argument('<file>', 'the document; - for standard input')
    .requiredOption('--user <email>', 'owner of the new workflow')
    .option(
      '--connection <node_or_service=id>',
      'connection to use, by node key or service (repeat)',
      collectConnection,
      {} as Record<string, string>,
    )
    .option('--name <name>', 'name of the new workflow')
    .action(
      async (file: string, opts: { user: string; connection: Record<string, string>; name?: string }) => {
        const raw = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
        let document: WorkflowImport;
        try {
          document = JSON.parse(raw) as WorkflowImport;
        } catch (error) {
          throw new AppError('bad_request', `${file} is not JSON: ${(error as Error).message}`);
        }
        if (!document || typeof document !== 'object' || !document.definition) {
          throw new AppError(
            'bad_request',
            `${file} has no "definition": export a workflow with area workflow export`,
          );
        }
        // TypeBox's value checker is 300 modules that only this command uses.
        const { Value } = await import('typebox/value');
        const { importWorkflow, WorkflowImport } = await import('../workflows/workflow-export.ts');
        if (!Value.Check(WorkflowImport, document)) {
          const problems = [...Value.Errors(WorkflowImport, document)].slice(0, 20).map((e) => ({
            path: e.instancePath.slice(1).replaceAll('/', '.') || '(document)',
            rule: e.keyword,
            message: e.message,
          }));
          reportProblems(AppError.invalid(problems));
        }
        const saved = await withDeps(async (deps) => {
          const user = await deps.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', opts.user.toLowerCase())
            .where('deleted_at', 'is', null)
            .executeTakeFirst();
          if (!user) throw AppError.notFound(`User ${opts.user}`);
          return importWorkflow(
            deps,
            { userId: user.id, userAgent: 'area-cli' },
            {
              definition: document.definition,
              connections: { ...(document.connections ?? {}), ...opts.connection },
              ...(opts.name ? { name: opts.name } : {}),
            },
          ).catch(reportProblems);
        });
        process.stdout.write(`Imported "${saved.row.name}" as draft ${saved.row.id}\n`);
        for (const w of saved.warnings)
          process.stdout.write(`  to do before activating: ${w.path}: ${w.message}\n`);
      },
    );
}
