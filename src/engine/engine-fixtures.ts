import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app-context.ts';
import { defineAction, defineService, defineTrigger } from '../catalog/define.ts';
import { prop } from '../catalog/props.ts';
import { type Catalog, createCatalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import { httpService } from '../integrations/http/index.ts';
import { logicService } from '../integrations/logic/index.ts';
import { manualService } from '../integrations/manual/index.ts';
import { scheduleService } from '../integrations/schedule/index.ts';
import { transformService } from '../integrations/transform/index.ts';
import { webhookService } from '../integrations/webhook/index.ts';
import type { WorkflowDefinition } from '../workflows/definition.ts';

/** Failures left per (execution, node) for the `probe.flaky` action. */
const flakyFailures = new Map<string, number>();
/** Items each `probe.feed` polling trigger finds, by feed name; a feed named in `failingFeeds` throws. */
export const feeds = new Map<string, { id: string; text: string }[]>();
export const failingFeeds = new Set<string>();

/** Names of the open gates of the `probe.gate` action. */
const openGates = new Set<string>();

export function openGate(name: string): void {
  openGates.add(name);
}

/**
 * A service for engine tests and the benchmark: an action that fails a given number of times
 * before it succeeds, and one that waits until the run is cancelled.
 */
export const probeService = defineService({
  key: 'probe',
  name: 'Probe',
  description: 'Actions that fail on purpose or hang, to exercise retries and cancellation.',
  icon: 'bug',
  category: 'developer',
  auth: { type: 'none' },
  triggers: [
    defineTrigger({
      key: 'feed',
      name: 'Feed',
      description: 'Polls an in-memory feed of items.',
      mode: 'polling',
      props: { feed: prop.text({ displayName: 'Feed', required: true }) },
      output: { type: 'object' },
      sampleOutput: { id: '1', text: 'a' },
      polling: {
        intervalSeconds: 1,
        firstRun: 'emit',
        dedupe: { by: 'id', id: (item: { id: string }) => item.id },
        async poll(ctx) {
          if (failingFeeds.has(ctx.props.feed)) throw new Error(`feed ${ctx.props.feed} is down`);
          return feeds.get(ctx.props.feed) ?? [];
        },
      },
    }),
  ],
  actions: [
    defineAction({
      key: 'flaky',
      name: 'Flaky',
      description: 'Fails `failures` times per run, then answers `value`.',
      props: {
        failures: prop.number({ displayName: 'Failures', integer: true, minimum: 0 }),
        value: prop.json({ displayName: 'Value' }),
      },
      output: { type: 'object' },
      sampleOutput: { value: 1 },
      async run(ctx) {
        const key = `${ctx.execution.id}:${ctx.node.key}`;
        const left = flakyFailures.get(key) ?? ctx.props.failures ?? 0;
        if (left > 0) {
          flakyFailures.set(key, left - 1);
          throw new Error(`planned failure (${left} left)`);
        }
        flakyFailures.delete(key);
        return { value: ctx.props.value ?? null };
      },
    }),
    defineAction({
      key: 'gate',
      name: 'Gate',
      description: 'Fails until the test opens the gate of this name.',
      props: { name: prop.text({ displayName: 'Name', required: true }) },
      output: { type: 'object' },
      sampleOutput: { passed: 'a' },
      async run(ctx) {
        if (!openGates.has(ctx.props.name)) throw new Error(`gate ${ctx.props.name} is closed`);
        return { passed: ctx.props.name };
      },
    }),
    defineAction({
      key: 'hang',
      name: 'Hang',
      description: 'Waits until the run is cancelled.',
      props: {},
      output: { type: 'object' },
      sampleOutput: {},
      run(ctx) {
        return new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      },
    }),
  ],
});

/** The core services plus the probe, attached to the context the engine reads its catalog from. */
export function attachTestCatalog(ctx: AppContext): Catalog {
  const catalog = createCatalog([
    webhookService,
    manualService,
    scheduleService,
    logicService,
    transformService,
    httpService,
    probeService,
  ]);
  ctx.catalog = catalog;
  return catalog;
}

export interface PublishedWorkflow {
  id: string;
  versionId: string;
  webhookToken: string;
}

/** A workflow with one published, active version, written straight to the tables. */
export async function insertPublishedWorkflow(
  db: Kysely<DB>,
  userId: string,
  definition: WorkflowDefinition,
  options: { status?: 'active' | 'paused' } = {},
): Promise<PublishedWorkflow> {
  const webhookToken = randomBytes(24).toString('base64url');
  const workflow = await db
    .insertInto('workflows')
    .values({
      user_id: userId,
      name: definition.name,
      status: 'draft',
      version: 1,
      webhook_token: webhookToken,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto('workflow_versions')
    .values({
      workflow_id: workflow.id,
      version: 1,
      name: definition.name,
      definition: JSON.stringify(definition),
      created_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('workflows')
    .set({ status: options.status ?? 'active', active_version: 1 })
    .where('id', '=', workflow.id)
    .execute();
  return { id: workflow.id, versionId: version.id, webhookToken };
}

/** A definition: the given trigger, then nodes chained in order unless edges are given. */
export function definition(
  trigger: WorkflowDefinition['trigger'],
  nodes: WorkflowDefinition['nodes'],
  edges?: WorkflowDefinition['edges'],
  settings?: WorkflowDefinition['settings'],
): WorkflowDefinition {
  const chained = nodes.map((n, i) => ({
    from: i === 0 ? trigger.key : (nodes[i - 1]?.key ?? trigger.key),
    to: n.key,
  }));
  return {
    name: 'engine test',
    tags: [],
    trigger,
    nodes,
    edges: edges ?? chained,
    ...(settings ? { settings } : {}),
  };
}
