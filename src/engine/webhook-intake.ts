import type { AppContext } from '../app-context.ts';
import type { StepLogger, TriggerContext } from '../catalog/context.ts';
import type { WebhookRequest } from '../catalog/define.ts';
import { createHookState } from '../catalog/hook-state.ts';
import { type ActiveTrigger, triggerByWebhookToken } from './active-triggers.ts';
import { engineOf } from './engine.ts';
import { hasTemplates, renderConfig } from './render.ts';
import { type RunResult, startRun, waitForRun } from './start-run.ts';
import { webhookUrlOf } from './trigger-switch.ts';

/** Headers that carry an idempotency key: the generic one, then providers' delivery ids. */
export const DELIVERY_ID_HEADERS = [
  'idempotency-key',
  'x-idempotency-key',
  'x-github-delivery',
  'x-gitlab-event-uuid',
  'x-shopify-webhook-id',
  'webhook-id',
  'x-delivery-id',
] as const;

export type WebhookAnswer =
  | { kind: 'reply'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'accepted'; executionId: string; repeated: boolean }
  | { kind: 'done'; result: RunResult; repeated: boolean }
  | { kind: 'not_found' };

// The token lookup is the hottest read of the intake: answers are kept for a second, so pausing or
// changing a workflow reaches its webhook within that second.
const TOKEN_CACHE_MS = 1000;
const TOKEN_CACHE_LIMIT = 10_000;
const tokenCache = new WeakMap<object, Map<string, { at: number; value: ActiveTrigger | undefined }>>();

async function cachedTrigger(ctx: AppContext, token: string): Promise<ActiveTrigger | undefined> {
  let cache = tokenCache.get(ctx.database);
  if (!cache) {
    cache = new Map();
    tokenCache.set(ctx.database, cache);
  }
  const hit = cache.get(token);
  const now = Date.now();
  if (hit && now - hit.at < TOKEN_CACHE_MS) return hit.value;
  const value = await triggerByWebhookToken(ctx.db, token);
  if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
  cache.set(token, { at: now, value });
  return value;
}

const quietLog: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function idempotencyKeyOf(headers: Record<string, string>): string | undefined {
  for (const name of DELIVERY_ID_HEADERS) {
    const value = headers[name];
    if (value) return `${name}:${value.slice(0, 200)}`;
  }
  return undefined;
}

/** A delivery id the trigger found in the body, as an idempotency key. */
function bodyDeliveryKey(id: string | undefined): string | undefined {
  return id ? `delivery-id:${id.slice(0, 200)}` : undefined;
}

/**
 * A request to `/hooks/:token`: the workflow's webhook trigger checks it and turns it into trigger
 * data, the run is committed, and the answer is 202 with the run id or, in "respond when done"
 * mode, the run's output.
 */
export async function receiveWebhook(
  ctx: AppContext,
  token: string,
  request: WebhookRequest,
): Promise<WebhookAnswer> {
  const active = await cachedTrigger(ctx, token);
  if (!active || active.trigger.enabled === false) return { kind: 'not_found' };
  const engine = engineOf(ctx);
  const component = engine.catalog()?.component(active.trigger.service, active.trigger.component);
  if (component?.kind !== 'trigger' || component.definition.mode !== 'webhook') return { kind: 'not_found' };
  const hooks = component.definition.webhook;

  let props = active.trigger.config;
  if (hasTemplates(props)) {
    const secrets = (await engine.runner.loadSecrets(active.userId)) ?? {};
    props = renderConfig(props, { trigger: {}, steps: {}, secrets });
  }
  // A trigger naming a connection (e.g. a signing secret kept there) gets it opened for its owner.
  const opened = active.trigger.connection
    ? await engine.access.loadConnection(active.userId, active.trigger.connection).catch(() => undefined)
    : undefined;
  const tctx: TriggerContext<Record<string, unknown>> = {
    props,
    auth: opened?.auth,
    ...(opened ? { connection: opened.connection } : {}),
    state: createHookState(ctx.db, active.workflowId, active.trigger.key),
    log: quietLog,
    signal: ctx.stopping,
    http: engine.access.http,
    workflow: { id: active.workflowId, userId: active.userId },
    node: { key: active.trigger.key },
    publicUrl: ctx.config.publicUrl,
    webhookUrl: webhookUrlOf(ctx.config.publicUrl, token),
  };
  const typed = tctx as never;
  if (hooks.verify) {
    const verdict = hooks.verify(request, typed);
    if (!verdict.ok)
      return {
        kind: 'reply',
        status: verdict.status ?? 401,
        body: { error: { code: 'unauthorized', message: verdict.reason } },
      };
  }
  const handshake = hooks.handshake?.(request, typed);
  if (handshake) return { kind: 'reply', ...handshake };
  const event = hooks.toEvent(request, typed);
  if (event === undefined) return { kind: 'reply', status: 200, body: { ignored: true } };

  const accepted = await startRun(engine, active, event, {
    mode: 'webhook',
    idempotencyKey: idempotencyKeyOf(request.headers) ?? bodyDeliveryKey(hooks.deliveryId?.(request)),
  });
  const repeated = !accepted.created;
  const respondWith = props['respondWith'];
  if (respondWith !== 'workflow_output' && respondWith !== 'step_output')
    return { kind: 'accepted', executionId: accepted.executionId, repeated };
  const result = await waitForRun(engine, ctx.db, accepted, ctx.config.engine.webhookWaitMs);
  if (!result?.finished) return { kind: 'accepted', executionId: accepted.executionId, repeated };
  if (respondWith === 'step_output' && result.status === 'success') {
    const key = String(props['responseStep'] ?? '');
    return { kind: 'done', result: { ...result, output: await stepOutputOf(ctx, result, key) }, repeated };
  }
  return { kind: 'done', result, repeated };
}

/** The output of one step of an ended run: from the runner when it ran here, else from its record. */
async function stepOutputOf(ctx: AppContext, result: RunResult, key: string): Promise<unknown> {
  if (result.steps && key in result.steps) return result.steps[key] ?? null;
  const row = await ctx.db
    .selectFrom('execution_steps')
    .select('output')
    .where('execution_id', '=', result.id)
    .where('node_key', '=', key)
    .executeTakeFirst();
  return row?.output ?? null;
}
