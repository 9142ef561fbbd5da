import type { Selectable } from 'kysely';
import type { AppContext } from '../app-context.ts';
import type { StepLogger, TriggerContext } from '../catalog/context.ts';
import { createHookState } from '../catalog/hook-state.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { WorkflowsTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { canonicalJson } from '../workflows/canonical-json.ts';
import { checkDefinition } from '../workflows/check-definition.ts';
import {
  type DefinitionTrigger,
  type DraftDefinition,
  normalizeDefinition,
  type WorkflowDefinition,
} from '../workflows/definition.ts';
import { readDraftDefinition } from '../workflows/graph-store.ts';
import { activateWorkflow, newWebhookToken, restoreVersion } from '../workflows/publish-workflow.ts';
import type { Actor, WorkflowDeps } from '../workflows/save-workflow.ts';
import { WEBHOOK_PATH } from '../workflows/workflow-view.ts';
import { engineOf } from './engine.ts';
import { hasTemplates, renderConfig } from './render.ts';

/**
 * Trigger subscriptions at the provider (Telegram's setWebhook and the like): a trigger's `onEnable`
 * runs before its workflow is activated, so a refusal changes nothing; `onDisable` runs after the
 * workflow stopped (pause, archive, delete), and its failure is only logged: stopping always succeeds.
 * A new live version (activating an edited draft, restoring an old version) is both at once when its
 * trigger differs: the new one enabled before the switch, the old one disabled after it.
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

/**
 * What a trigger holds at the provider: the trigger itself and the hook URL it registers. Its label
 * and position on the canvas do not count.
 */
function liveShapeOf(target: TriggerTarget): string {
  const { key, service, component, connection, config, enabled } = target.trigger;
  return canonicalJson({
    trigger: { key, service, component, connection, config, enabled },
    webhookToken: target.webhookToken,
  });
}

/**
 * Two triggers of the same service, component and connection share one subscription at the provider
 * (Telegram keeps one webhook per bot): the newer onEnable replaces it, and the older onDisable
 * would remove it.
 */
const sameSubscription = (a: DefinitionTrigger, b: DefinitionTrigger) =>
  a.service === b.service && a.component === b.component && (a.connection ?? null) === (b.connection ?? null);

/** The trigger `definition` runs with once it is live, at the hook URL the workflow keeps (or a new one). */
function nextTarget(
  ctx: AppContext,
  actor: Actor,
  workflow: { id: string; webhookToken: string | null },
  definition: DraftDefinition,
): TriggerTarget | undefined {
  if (!definition.trigger) return undefined;
  const mode = hooksOf(ctx, definition.trigger)?.mode;
  return {
    workflowId: workflow.id,
    userId: actor.userId,
    webhookToken: mode === 'webhook' ? (workflow.webhookToken ?? newWebhookToken()) : null,
    trigger: definition.trigger,
  };
}

/** Registers a trigger again after a failed switch overwrote its subscription; a failure is logged. */
async function reenableTrigger(ctx: AppContext, target: TriggerTarget): Promise<void> {
  try {
    await enableTrigger(ctx, target);
  } catch (error) {
    ctx.log.warn(
      { workflowId: target.workflowId, node: target.trigger.key, err: messageOf(error) },
      'trigger onEnable failed',
    );
  }
}

interface TriggerSwitch<T> {
  /** The trigger running now (none when the workflow is not active). */
  previous: TriggerTarget | undefined;
  /** The trigger `definition` brings. */
  next: TriggerTarget | undefined;
  definition: DraftDefinition;
  /** Makes `definition` live; webhookToken is the hook URL's token onEnable registered, if it ran. */
  change(webhookToken: string | undefined): Promise<T>;
}

/**
 * Changes the live trigger the way pause then activate would, without a moment of neither: the new
 * trigger's onEnable first (a refusal throws before `change`, so the old version stays live), then
 * `change`, then the old trigger's onDisable (a failure is logged, as pause logs it). An unchanged
 * trigger calls neither. The new trigger's onEnable is undone when `change` fails.
 */
async function switchTrigger<T>(
  ctx: AppContext,
  deps: WorkflowDeps,
  actor: Actor,
  { previous, next, definition, change }: TriggerSwitch<T>,
): Promise<T> {
  if (previous && next && liveShapeOf(previous) === liveShapeOf(next)) return change(undefined);
  const enabled = next && hooksOf(ctx, next.trigger)?.definition.onEnable ? next : undefined;
  if (enabled) {
    // Only a valid definition reaches the provider; `change` checks it again under its lock.
    const checked = await checkDefinition(ctx.db, deps, actor.userId, definition, 'publish');
    if (!checked.ok) throw AppError.invalid(checked.errors);
    await enableTrigger(ctx, enabled);
  }
  const shared = previous && next ? sameSubscription(previous.trigger, next.trigger) : false;
  let result: T;
  try {
    result = await change(enabled?.webhookToken ?? undefined);
  } catch (error) {
    if (enabled && previous && shared) await reenableTrigger(ctx, previous);
    else if (enabled) await disableTrigger(ctx, enabled);
    throw error;
  }
  if (previous && !shared) await disableTrigger(ctx, previous);
  return result;
}

async function ownedWebhookToken(ctx: AppContext, userId: string, id: string): Promise<string | null> {
  const workflow = await ctx.db
    .selectFrom('workflows')
    .select(['webhook_token'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!workflow) throw AppError.notFound('Workflow');
  return workflow.webhook_token;
}

/**
 * Activates a workflow with its trigger's onEnable: the draft is checked first, then the provider is
 * told, then the activation commits. A refusal by the provider answers an error and leaves the
 * workflow as it was. A running trigger that the new version replaces is disabled afterwards; an
 * unchanged one (an edit of the actions only) hears nothing.
 */
export async function activateWithTrigger(
  ctx: AppContext,
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
): Promise<{ row: Selectable<WorkflowsTable>; published: boolean }> {
  const webhookToken = await ownedWebhookToken(ctx, actor.userId, id);
  const previous = await runningTrigger(ctx, actor.userId, id);
  const draft = await readDraftDefinition(ctx.db, id);
  return switchTrigger(ctx, deps, actor, {
    previous,
    next: nextTarget(ctx, actor, { id, webhookToken }, draft),
    definition: draft,
    change: (registered) => activateWorkflow(deps, actor, id, registered ? { webhookToken: registered } : {}),
  });
}

async function versionDefinition(
  ctx: AppContext,
  id: string,
  version: number,
): Promise<DraftDefinition | undefined> {
  const row = await ctx.db
    .selectFrom('workflow_versions')
    .select(['definition'])
    .where('workflow_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? normalizeDefinition(row.definition as unknown as WorkflowDefinition) : undefined;
}

/**
 * Restores an old version. On an active workflow the restored version goes live at once, so its
 * trigger is switched in as activation does it; a paused or draft workflow only gets a new draft, and
 * the provider hears of it at the next activation.
 */
export async function restoreWithTrigger(
  ctx: AppContext,
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  fromVersion: number,
): Promise<{ row: Selectable<WorkflowsTable>; definition: DraftDefinition; version: number }> {
  const previous = await runningTrigger(ctx, actor.userId, id);
  const restored = previous ? await versionDefinition(ctx, id, fromVersion) : undefined;
  // Not running, or no such version (restoreVersion answers 404): nothing to tell a provider.
  if (!previous || !restored) return restoreVersion(deps, actor, id, fromVersion);
  return switchTrigger(ctx, deps, actor, {
    previous,
    next: nextTarget(ctx, actor, { id, webhookToken: previous.webhookToken }, restored),
    definition: restored,
    change: (registered) =>
      restoreVersion(deps, actor, id, fromVersion, registered ? { webhookToken: registered } : {}),
  });
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
