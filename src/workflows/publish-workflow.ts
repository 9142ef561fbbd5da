import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { DB, WorkflowsTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { canonicalJson } from './canonical-json.ts';
import { checkDefinition } from './check-definition.ts';
import type { ComponentLookup } from './component-lookup.ts';
import { type DraftDefinition, normalizeDefinition, type WorkflowDefinition } from './definition.ts';
import { readDraftDefinition, writeDraftGraph } from './graph-store.ts';
import { type Actor, auditOf, lockOwnedWorkflow, type WorkflowDeps } from './save-workflow.ts';

/** The secret part of a webhook URL: 32 random bytes, base64url (43 characters). */
export function newWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}

async function publishRow(
  trx: Kysely<DB>,
  actor: Actor,
  workflow: Selectable<WorkflowsTable>,
  definition: WorkflowDefinition,
  restoredFrom: number | null,
): Promise<number> {
  const version = workflow.version + 1;
  await trx
    .insertInto('workflow_versions')
    .values({
      workflow_id: workflow.id,
      version,
      name: definition.name,
      description: definition.description ?? null,
      definition: JSON.stringify(definition),
      created_by: actor.userId,
      restored_from: restoredFrom,
    })
    .execute();
  return version;
}

/** Sets the workflow running `version`: its trigger type, and a webhook token when the trigger is a webhook. */
async function makeActive(
  trx: Kysely<DB>,
  workflow: Selectable<WorkflowsTable>,
  definition: WorkflowDefinition,
  components: ComponentLookup,
  version: number,
  webhookToken?: string,
): Promise<Selectable<WorkflowsTable>> {
  const mode =
    components.component(definition.trigger.service, definition.trigger.component)?.triggerMode ?? null;
  return trx
    .updateTable('workflows')
    .set({
      status: 'active',
      version: Math.max(version, workflow.version),
      active_version: version,
      trigger_type: mode,
      webhook_token:
        mode === 'webhook' ? (webhookToken ?? workflow.webhook_token ?? newWebhookToken()) : null,
      trigger_error: null,
    })
    .where('id', '=', workflow.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Validates the draft strictly and makes it the running version: a new immutable workflow_versions
 * row, unless the draft equals the latest published version, which is then reused.
 * All or nothing: an invalid draft answers every problem and changes nothing.
 */
export async function activateWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  /** webhookToken: the token a trigger's onEnable already registered (a new workflow has none yet). */
  options: { webhookToken?: string } = {},
): Promise<{ row: Selectable<WorkflowsTable>; published: boolean }> {
  return deps.db.transaction().execute(async (trx) => {
    const workflow = await lockOwnedWorkflow(trx, actor.userId, id);
    const draft = await readDraftDefinition(trx, id);
    const checked = await checkDefinition(trx, deps, actor.userId, draft, 'publish');
    if (!checked.ok || !draft.trigger) throw AppError.invalid(checked.errors);
    const definition = draft as WorkflowDefinition;
    let version = workflow.version;
    let published = false;
    const latest =
      version > 0
        ? await trx
            .selectFrom('workflow_versions')
            .select('definition')
            .where('workflow_id', '=', id)
            .where('version', '=', version)
            .executeTakeFirst()
        : undefined;
    if (!latest || canonicalJson(latest.definition) !== canonicalJson(definition)) {
      version = await publishRow(trx, actor, workflow, definition, null);
      published = true;
    }
    const row = await makeActive(
      trx,
      workflow,
      definition,
      checked.components,
      version,
      options.webhookToken,
    );
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'workflow.activated',
      entityType: 'workflow',
      entityId: id,
      changes: { status: [workflow.status, 'active'], activeVersion: [workflow.active_version, version] },
      details: { published },
      ...auditOf(actor),
    });
    return { row, published };
  });
}

/**
 * Makes a published version the draft again and records it as a new version (the old row is never
 * touched). An active workflow starts running the new version at once, so it must pass strict validation;
 * the provider side of that switch (the triggers' onEnable and onDisable) is `restoreWithTrigger`'s.
 */
export async function restoreVersion(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  fromVersion: number,
  /** webhookToken: the token the restored trigger's onEnable already registered. */
  options: { webhookToken?: string } = {},
): Promise<{ row: Selectable<WorkflowsTable>; definition: DraftDefinition; version: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const workflow = await lockOwnedWorkflow(trx, actor.userId, id);
    const old = await trx
      .selectFrom('workflow_versions')
      .select(['definition'])
      .where('workflow_id', '=', id)
      .where('version', '=', fromVersion)
      .executeTakeFirst();
    if (!old) throw AppError.notFound('Version');
    const definition = normalizeDefinition(old.definition as unknown as WorkflowDefinition);
    const mode = workflow.status === 'active' ? 'publish' : 'draft';
    const checked = await checkDefinition(trx, deps, actor.userId, definition, mode);
    if (!checked.ok || !definition.trigger) throw AppError.invalid(checked.errors);
    const complete = definition as WorkflowDefinition;
    await trx
      .updateTable('workflows')
      .set({
        name: complete.name,
        description: complete.description ?? null,
        tags: complete.tags,
        configuration: JSON.stringify(complete.settings ?? {}),
      })
      .where('id', '=', id)
      .execute();
    await writeDraftGraph(trx, id, complete, checked.components);
    const version = await publishRow(trx, actor, workflow, complete, fromVersion);
    const row =
      workflow.status === 'active'
        ? await makeActive(trx, workflow, complete, checked.components, version, options.webhookToken)
        : await trx
            .updateTable('workflows')
            .set({ version })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'workflow.version_restored',
      entityType: 'workflow',
      entityId: id,
      changes: { version: [workflow.version, version] },
      details: { restoredFrom: fromVersion },
      ...auditOf(actor),
    });
    return { row, definition: complete, version };
  });
}
