import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService, defineTrigger } from '../catalog/define.ts';
import { prop } from '../catalog/props.ts';
import { createCatalog } from '../catalog/registry.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { engineOf } from './engine.ts';
import { definition, insertPublishedWorkflow } from './engine-fixtures.ts';
import { Subscriptions } from './subscriptions.ts';

type Emit = (event: unknown, idempotencyKey?: string) => Promise<void>;

/** The live subscriptions of the `stream.events` trigger, by stream name. */
const streams = new Map<string, { emit: Emit; stopped: boolean }>();
/** Streams whose start fails. */
const broken = new Set<string>();

const streamService = defineService({
  key: 'stream',
  name: 'Stream',
  description: 'A subscription the test drives by hand.',
  icon: 'radio',
  category: 'developer',
  auth: { type: 'none' },
  triggers: [
    defineTrigger({
      key: 'events',
      name: 'Events',
      description: 'Emits what the test pushes.',
      mode: 'subscription',
      props: { stream: prop.text({ displayName: 'Stream', required: true }) },
      output: { type: 'object' },
      sampleOutput: {},
      subscription: {
        async start(ctx) {
          if (broken.has(ctx.props.stream)) throw new Error(`stream ${ctx.props.stream} is down`);
          const live = { emit: ctx.emit, stopped: false };
          streams.set(ctx.props.stream, live);
          return {
            async stop() {
              live.stopped = true;
            },
          };
        },
      },
    }),
  ],
  actions: [],
});

let t: TestApp;
let user: TestUser;
let service: Subscriptions;

beforeAll(async () => {
  // Only the api role: the runs stay pending, what matters here is that they are recorded.
  t = await createTestApp({ env: { PORT: '0' } });
  await t.app.start();
  user = await createTestUser(t);
  const catalog = createCatalog([streamService]);
  service = new Subscriptions({
    db: t.ctx.db,
    queue: engineOf(t.ctx).queue,
    log: t.ctx.log,
    creditCost: 1,
    catalog: () => catalog,
    publicUrl: 'http://area.test',
    refreshMs: 3_600_000,
    retryBaseMs: 1,
  });
  await service.start();
  await service.refresh();
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await t?.close();
});

const activate = (stream: string) =>
  insertPublishedWorkflow(
    t.ctx.db,
    user.id,
    definition({ key: 'events', service: 'stream', component: 'events', config: { stream } }, []),
  );

const runsOf = (workflowId: string) =>
  t.ctx.db
    .selectFrom('executions')
    .select(['mode', 'trigger_data', 'idempotency_key'])
    .where('workflow_id', '=', workflowId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

const triggerError = async (workflowId: string) =>
  (
    await t.ctx.db
      .selectFrom('workflows')
      .select('trigger_error')
      .where('id', '=', workflowId)
      .executeTakeFirstOrThrow()
  ).trigger_error;

describe('subscriptions', () => {
  it('run on the scheduler role, next to the poller', async () => {
    const scheduler = await createTestApp({ roles: ['api', 'scheduler'] });
    try {
      expect(engineOf(scheduler.ctx).services.map((s) => s.name)).toContain('subscriptions');
    } finally {
      await scheduler.close();
    }
    expect(engineOf(t.ctx).services.map((s) => s.name)).not.toContain('subscriptions');
  });

  it('records each emitted event as a run before emit resolves, once per idempotency key', async () => {
    const wf = await activate('orders');
    await service.refresh();
    const live = streams.get('orders');
    if (!live) throw new Error('not started');
    await live.emit({ order: 1 });
    expect(await runsOf(wf.id)).toEqual([
      { mode: 'subscription', trigger_data: { order: 1 }, idempotency_key: null },
    ]);
    await live.emit({ order: 2 }, 'delivery-2');
    await live.emit({ order: 2 }, 'delivery-2');
    expect((await runsOf(wf.id)).map((r) => [r.trigger_data, r.idempotency_key])).toEqual([
      [{ order: 1 }, null],
      [{ order: 2 }, 'delivery-2'],
    ]);
    // Refreshing again leaves the running subscription alone.
    await service.refresh();
    expect(streams.get('orders')).toBe(live);
    expect(live.stopped).toBe(false);
  });

  it('stops the subscription when the workflow is paused, and refuses its late events', async () => {
    const wf = await activate('pauses');
    await service.refresh();
    const live = streams.get('pauses');
    if (!live) throw new Error('not started');
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
    await service.refresh();
    expect(live.stopped).toBe(true);
    expect(service.live()).not.toContain(wf.id);
    await expect(live.emit({ late: true })).rejects.toThrow('the subscription is stopped');
    expect(await runsOf(wf.id)).toEqual([]);

    await t.ctx.db.updateTable('workflows').set({ status: 'active' }).where('id', '=', wf.id).execute();
    await service.refresh();
    const again = streams.get('pauses');
    expect(again).not.toBe(live);
    await again?.emit({ back: true });
    expect((await runsOf(wf.id)).map((r) => r.trigger_data)).toEqual([{ back: true }]);
  });

  it('shows a failing start on the workflow, tries again after a back-off, and clears it', async () => {
    broken.add('flaky');
    const wf = await activate('flaky');
    await service.refresh();
    expect(service.live()).not.toContain(wf.id);
    expect(await triggerError(wf.id)).toMatch(
      /^subscription failed \(1x, next try in \d+ s\): stream flaky is down$/,
    );
    // The back-off (1 ms, then 2 ms here) must have passed for a refresh to try again.
    await sleep(20);
    await service.refresh();
    expect(await triggerError(wf.id)).toMatch(/^subscription failed \(2x/);
    broken.delete('flaky');
    await sleep(20);
    await service.refresh();
    expect(service.live()).toContain(wf.id);
    expect(await triggerError(wf.id)).toBeNull();
  });

  it('stops every subscription on shutdown', async () => {
    await activate('shutdown');
    await service.refresh();
    const live = streams.get('shutdown');
    await service.stop();
    expect(live?.stopped).toBe(true);
    expect(service.live()).toEqual([]);
    await expect(live?.emit({})).rejects.toThrow('the subscription is stopped');
  });
});
