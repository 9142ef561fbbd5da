import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { WorkflowStatus, WorkflowsTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { readDraftDefinition } from './graph-store.ts';
import {
  type Actor,
  auditOf,
  createWorkflow,
  lockOwnedWorkflow,
  type SavedWorkflow,
  type WorkflowDeps,
} from './save-workflow.ts';

async function setStatus(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  status: Extract<WorkflowStatus, 'paused' | 'archived'>,
): Promise<Selectable<WorkflowsTable>> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await lockOwnedWorkflow(trx, actor.userId, id);
    if (status === 'paused' && before.status !== 'active' && before.status !== 'paused') {
      throw new AppError('conflict', `Only an active workflow can be paused; this one is ${before.status}`, {
        details: { status: before.status },
      });
    }
    const row = await trx
      .updateTable('workflows')
      .set({ status })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      userId: actor.userId,
      action: status === 'paused' ? 'workflow.paused' : 'workflow.archived',
      entityType: 'workflow',
      entityId: id,
      changes: { status: [before.status, status] },
      ...auditOf(actor),
    });
    return row;
  });
}

/** Stops starting new runs; the active version is kept for a later activate. */
export function pauseWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
): Promise<Selectable<WorkflowsTable>> {
  return setStatus(deps, actor, id, 'paused');
}

export function archiveWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
): Promise<Selectable<WorkflowsTable>> {
  return setStatus(deps, actor, id, 'archived');
}

/** Soft delete: the row (and its run history) stays, hidden; its webhook stops answering. */
export async function deleteWorkflow(deps: WorkflowDeps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = await lockOwnedWorkflow(trx, actor.userId, id);
    await trx
      .updateTable('workflows')
      .set({ deleted_at: new Date(), status: 'archived', webhook_token: null })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'workflow.deleted',
      entityType: 'workflow',
      entityId: id,
      changes: { before: { name: before.name, status: before.status } },
      ...auditOf(actor),
    });
  });
}

/** A new draft with the same graph (and the same connections: they belong to the same owner). */
export async function duplicateWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  name?: string,
): Promise<SavedWorkflow> {
  const source = await deps.db
    .selectFrom('workflows')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!source) throw AppError.notFound('Workflow');
  const definition = await readDraftDefinition(deps.db, id);
  definition.name = name ?? `${source.name} (copy)`.slice(0, 255);
  return createWorkflow(deps, actor, definition, {
    auditAction: 'workflow.duplicated',
    auditDetails: { sourceId: id },
  });
}
