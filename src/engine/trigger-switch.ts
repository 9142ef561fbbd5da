import type { Selectable } from 'kysely';
import type { AppContext } from '../app-context.ts';
import type { StepLogger, TriggerContext } from '../catalog/context.ts';
import { createHookState } from '../catalog/hook-state.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { WorkflowsTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { checkDefinition } from '../workflows/check-definition.ts';
import type { DefinitionTrigger } from '../workflows/definition.ts';
import { readDraftDefinition } from '../workflows/graph-store.ts';
import { activateWorkflow, newWebhookToken } from '../workflows/publish-workflow.ts';
import type { Actor, WorkflowDeps } from '../workflows/save-workflow.ts';
import { WEBHOOK_PATH } from '../workflows/workflow-view.ts';
import { engineOf } from './engine.ts';
import { hasTemplates, renderConfig } from './render.ts';

/**
 * Trigger subscriptions at the provider (Telegram's setWebhook and the like): a trigger's `onEnable`
 * runs before its workflow is activated, so a refusal changes nothing; `onDisable` runs after the
 * workflow stopped (pause, archive, delete), and its failure is only logged: stopping always succeeds.
 */

/** A workflow's trigger as the enable/disable hooks see it. */
export interface TriggerTarget {
  workflowId: string;
  userId: string;
  webhookToken: string | null;
  trigger: DefinitionTrigger;
}

export function webhookUrlOf(publicUrl: string, token: string): string {
  return `${publicUrl}${WEBHOOK_PATH}${token}`;
}

function hooksOf(ctx: AppContext, trigger: DefinitionTrigger) {
  const component = (ctx.catalog as Catalog | undefined)?.component(trigger.service, trigger.component);
  return component?.kind === 'trigger' ? component : undefined;
}

function logOf(ctx: AppContext, target: TriggerTarget): StepLogger {
  const base = { workflowId: target.workflowId, node: target.trigger.key };
  return {
    debug: (message, data) => ctx.log.debug({ ...base, ...data }, message),
    info: (message, data) => ctx.log.info({ ...base, ...data }, message),
    warn: (message, data) => ctx.log.warn({ ...base, ...data }, message),
    error: (message, data) => ctx.log.error({ ...base, ...data }, message),
  };
}

/** The trigger's context: props rendered with the owner's secrets, its connection opened for the owner. */
export async function triggerContextFor(
  ctx: AppContext,
  target: TriggerTarget,
): Promise<TriggerContext<Record<string, unknown>>> {
  const { access } = engineOf(ctx);
  let props = target.trigger.config;
  if (hasTemplates(props)) {
    const secrets = await access.loadSecrets(target.userId);
    props = renderConfig(props, { trigger: {}, steps: {}, secrets });
  }
  const opened = target.trigger.connection
    ? await access.loadConnection(target.userId, target.trigger.connection)
    : undefined;
  return {
    props,
    auth: opened?.auth,
    ...(opened ? { connection: opened.connection } : {}),
    state: createHookState(ctx.db, target.workflowId, target.trigger.key),
    log: logOf(ctx, target),
    signal: ctx.stopping,
    http: access.http,
    workflow: { id: target.workflowId, userId: target.userId },
    node: { key: target.trigger.key },
    publicUrl: ctx.config.publicUrl,
    ...(target.webhookToken ? { webhookUrl: webhookUrlOf(ctx.config.publicUrl, target.webhookToken) } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the trigger's onEnable; a failure is an AppError naming the trigger (502: the provider said no). */
export async function enableTrigger(ctx: AppContext, target: TriggerTarget): Promise<void> {
  const definition = hooksOf(ctx, target.trigger)?.definition;
  if (!definition?.onEnable) return;
  const ref = `${target.trigger.service}.${target.trigger.component}`;
  let tctx: TriggerContext<Record<string, unknown>>;
  try {
    tctx = await triggerContextFor(ctx, target);
  } catch (error) {
    throw new AppError('unprocessable', `The trigger ${ref} could not be prepared: ${messageOf(error)}`, {
      details: { path: 'trigger.connection', rule: 'connection' },
    });
  }
  try {
    await definition.onEnable(tctx);
  } catch (error) {
    throw new AppError('bad_gateway', `The trigger ${ref} could not be enabled: ${messageOf(error)}`, {
      details: { path: 'trigger', rule: 'enable' },
    });
  }
}

/** Runs the trigger's onDisable; a failure is logged, never thrown. */
export async function disableTrigger(ctx: AppContext, target: TriggerTarget): Promise<void> {
  const definition = hooksOf(ctx, target.trigger)?.definition;
  if (!definition?.onDisable) return;
  try {
    await definition.onDisable(await triggerContextFor(ctx, target));
  } catch (error) {
    ctx.log.warn(
      { workflowId: target.workflowId, node: target.trigger.key, err: messageOf(error) },
      'trigger onDisable failed',
    );
  }
}

/** The published trigger of a workflow of the owner that is running now, if any. */
export async function runningTrigger(
  ctx: AppContext,
  userId: string,
  workflowId: string,
): Promise<TriggerTarget | undefined> {
  const row = await ctx.db
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', (join) =>
      join.onRef('v.workflow_id', '=', 'w.id').onRef('v.version', '=', 'w.active_version'),
    )
    .select(['w.webhook_token', 'v.definition'])
    .where('w.id', '=', workflowId)
    .where('w.user_id', '=', userId)
    .where('w.status', '=', 'active')
    .where('w.deleted_at', 'is', null)
    .executeTakeFirst();
  const definition = (typeof row?.definition === 'string' ? JSON.parse(row.definition) : row?.definition) as
    | { trigger?: DefinitionTrigger }
    | undefined;
  if (!row || !definition?.trigger) return undefined;
  return { workflowId, userId, webhookToken: row.webhook_token, trigger: definition.trigger };
}

const sameSubscription = (a: DefinitionTrigger, b: DefinitionTrigger) =>
  a.service === b.service && a.component === b.component && (a.connection ?? null) === (b.connection ?? null);

/**
 * Activates a workflow with its trigger's onEnable: the draft is checked first, then the provider is
 * told, then the activation commits. A refusal by the provider answers an error and leaves the
 * workflow as it was. A running trigger that the new version replaces is disabled afterwards.
 */
export async function activateWithTrigger(
  ctx: AppContext,
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
): Promise<{ row: Selectable<WorkflowsTable>; published: boolean }> {
  const workflow = await ctx.db
    .selectFrom('workflows')
    .select(['webhook_token'])
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!workflow) throw AppError.notFound('Workflow');
  const previous = await runningTrigger(ctx, actor.userId, id);
  const draft = await readDraftDefinition(ctx.db, id);
  const component = draft.trigger ? hooksOf(ctx, draft.trigger) : undefined;
  let target: TriggerTarget | undefined;
  if (draft.trigger && component?.definition.onEnable) {
    // Only a valid definition reaches the provider; activation checks it again under its lock.
    const checked = await checkDefinition(ctx.db, deps, actor.userId, draft, 'publish');
    if (!checked.ok) throw AppError.invalid(checked.errors);
    const webhookToken = component.mode === 'webhook' ? (workflow.webhook_token ?? newWebhookToken()) : null;
    target = { workflowId: id, userId: actor.userId, webhookToken, trigger: draft.trigger };
    await enableTrigger(ctx, target);
  }
  let result: { row: Selectable<WorkflowsTable>; published: boolean };
  try {
    result = await activateWorkflow(
      deps,
      actor,
      id,
      target?.webhookToken ? { webhookToken: target.webhookToken } : {},
    );
  } catch (error) {
    if (target && !(previous && sameSubscription(previous.trigger, target.trigger)))
      await disableTrigger(ctx, target);
    throw error;
  }
  if (previous && !(draft.trigger && sameSubscription(previous.trigger, draft.trigger)))
    await disableTrigger(ctx, previous);
  return result;
}

/** Stops a workflow (pause, archive, delete) and then disables the trigger that was running. */
export async function stopWithTrigger<T>(
  ctx: AppContext,
  userId: string,
  id: string,
  stop: () => Promise<T>,
): Promise<T> {
  const running = await runningTrigger(ctx, userId, id);
  const result = await stop();
  if (running) await disableTrigger(ctx, running);
  return result;
}
