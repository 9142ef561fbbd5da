import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { DB, WorkflowsTable } from '../db/types.ts';
import { AppError, type FieldProblem } from '../http/errors.ts';
import { checkDefinition } from './check-definition.ts';
import type { ConfigChecker } from './config-checker.ts';
import { type DraftDefinition, normalizeDefinition, type WorkflowDefinitionInput } from './definition.ts';
import { writeDraftGraph } from './graph-store.ts';

export interface WorkflowDeps {
  db: Kysely<DB>;
  checker: ConfigChecker;
  /** The integrations this process knows (connection rules, flow kinds); the synced tables alone otherwise. */
  catalog?: Catalog | undefined;
}

/** Who makes a change, for scoping and the audit trail. */
export interface Actor {
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface SavedWorkflow {
  row: Selectable<WorkflowsTable>;
  definition: DraftDefinition;
  warnings: FieldProblem[];
}

export interface CreateOptions {
  createdFromChat?: boolean;
  chatSessionId?: string | null;
  llmPromptVersion?: string | null;
  /** Audit action name, e.g. `workflow.imported`. */
  auditAction?: string;
  auditDetails?: Record<string, unknown>;
}

export function auditOf(actor: Actor): { ip: string | null; userAgent: string | null } {
  return { ip: actor.ip ?? null, userAgent: actor.userAgent ?? null };
}

/** Finds a live workflow of the caller, locked for the rest of the transaction; 404 otherwise. */
export async function lockOwnedWorkflow(
  db: Kysely<DB>,
  userId: string,
  id: string,
): Promise<Selectable<WorkflowsTable>> {
  const row = await db
    .selectFrom('workflows')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Workflow');
  return row;
}

/** Creates a draft workflow from a definition; problems a draft may have come back as warnings. */
export async function createWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  input: WorkflowDefinitionInput | DraftDefinition,
  options: CreateOptions = {},
): Promise<SavedWorkflow> {
  const definition = normalizeDefinition(input);
  return deps.db.transaction().execute(async (trx) => {
    const checked = await checkDefinition(trx, deps, actor.userId, definition, 'draft');
    if (!checked.ok) throw AppError.invalid(checked.errors);
    const row = await trx
      .insertInto('workflows')
      .values({
        user_id: actor.userId,
        name: definition.name,
        description: definition.description ?? null,
        tags: definition.tags,
        configuration: JSON.stringify(definition.settings ?? {}),
        created_from_chat: options.createdFromChat ?? false,
        chat_session_id: options.chatSessionId ?? null,
        llm_prompt_version: options.llmPromptVersion ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeDraftGraph(trx, row.id, definition, checked.components);
    await recordAudit(trx, {
      userId: actor.userId,
      action: options.auditAction ?? 'workflow.created',
      entityType: 'workflow',
      entityId: row.id,
      changes: { after: { name: row.name, nodes: definition.nodes.length, edges: definition.edges.length } },
      ...(options.auditDetails ? { details: options.auditDetails } : {}),
      ...auditOf(actor),
    });
    return { row, definition, warnings: checked.warnings };
  });
}

/** Replaces the draft of a workflow (name, tags, settings and graph). The published versions stay as they are. */
export async function updateWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  input: WorkflowDefinitionInput,
): Promise<SavedWorkflow> {
  const definition = normalizeDefinition(input);
  return deps.db.transaction().execute(async (trx) => {
    const before = await lockOwnedWorkflow(trx, actor.userId, id);
    const checked = await checkDefinition(trx, deps, actor.userId, definition, 'draft');
    if (!checked.ok) throw AppError.invalid(checked.errors);
    const row = await trx
      .updateTable('workflows')
      .set({
        name: definition.name,
        description: definition.description ?? null,
        tags: definition.tags,
        configuration: JSON.stringify(definition.settings ?? {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeDraftGraph(trx, id, definition, checked.components);
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'workflow.updated',
      entityType: 'workflow',
      entityId: id,
      changes: {
        before: { name: before.name, tags: before.tags },
        after: {
          name: row.name,
          tags: row.tags,
          nodes: definition.nodes.length,
          edges: definition.edges.length,
        },
      },
      ...auditOf(actor),
    });
    return { row, definition, warnings: checked.warnings };
  });
}
