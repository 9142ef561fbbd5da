import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAccess } from '../../engine/connection-loader.ts';
import { engineOf } from '../../engine/engine.ts';
import { definition, insertPublishedWorkflow } from '../../engine/engine-fixtures.ts';
import { Subscriptions } from '../../engine/subscriptions.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { until } from '../../testing/until.ts';
import { type ReceivedMessage, sessionClientId } from './common/connect.ts';

/** The real Mosquitto broker; every test works under a topic prefix of its own. */
const BROKER = 'mqtt://127.0.0.1:1883';
const prefix = `area-test/${randomBytes(5).toString('hex')}`;

let t: TestApp;
let user: TestUser;
let broker: string;
let observer: MqttClient;
const sessions: string[] = [];
const running: Subscriptions[] = [];

beforeAll(async () => {
  // No scheduler role: the tests drive their own subscription service.
  t = await createTestApp({ roles: ['api', 'worker'] });
  await t.app.start();
  user = await createTestUser(t);
  observer = await connectAsync(BROKER, { clientId: `observer_${randomBytes(4).toString('hex')}` });
  broker = await connect('Broker', BROKER);
}, 60_000);

afterAll(async () => {
  for (const s of running) await s.stop();
  // Forget the persistent sessions the tests opened on the broker.
  for (const clientId of sessions) {
    const c = await connectAsync(BROKER, { clientId, clean: true });
    await c.endAsync();
  }
  await observer?.endAsync();
  await t?.close();
});

async function connect(name: string, brokerUrl: string): Promise<string> {
  const made = await t.server.inject({
    method: 'POST',
    url: '/api/v1/connections',
    headers: user.headers,
    payload: { service: 'mqtt', name, credentials: { brokerUrl } },
  });
  expect(made.statusCode, made.body).toBe(201);
  return made.json().id;
}

function subscriptions(): Subscriptions {
  const s = new Subscriptions({
    db: t.ctx.db,
    queue: engineOf(t.ctx).queue,
    log: t.ctx.log,
    creditCost: 1,
    catalog: () => engineOf(t.ctx).catalog(),
    publicUrl: 'http://area.test',
    loadConnection: engineAccess(t.ctx).loadConnection,
    // Refreshed by the tests themselves.
    refreshMs: 3_600_000,
    retryBaseMs: 3_600_000,
  });
  running.push(s);
  return s;
}

async function activate(topic: string, connection: string) {
  const wf = await insertPublishedWorkflow(
    t.ctx.db,
    user.id,
    definition({ key: 'reading', service: 'mqtt', component: 'message', connection, config: { topic } }, []),
  );
  sessions.push(sessionClientId(wf.id, 'reading'));
  return wf;
}

const runsOf = (workflowId: string) =>
  t.ctx.db
    .selectFrom('executions')
    .select(['id', 'mode', 'status', 'trigger_data'])
    .where('workflow_id', '=', workflowId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

/** Gives a message that would wrongly make a run the time to arrive. */
const settle = () => new Promise((r) => setTimeout(r, 1_000));

const payloads = (runs: { trigger_data: unknown }[]) =>
  runs.map((r) => (r.trigger_data as unknown as ReceivedMessage).payload);

describe('mqtt.message through the engine', () => {
  it('is a subscription trigger', () => {
    const component = engineOf(t.ctx).catalog()?.component('mqtt', 'message');
    expect(component?.mode).toBe('subscription');
  });

  it('makes one run per message with the message as trigger data, and none once paused', async () => {
    const wf = await activate(`${prefix}/sensors/+/temperature`, broker);
    const service = subscriptions();
    await service.start();
    await service.refresh();
    expect(service.live()).toEqual([wf.id]);

    await observer.publishAsync(`${prefix}/sensors/greenhouse/temperature`, '{"celsius":31.5}', { qos: 1 });
    await observer.publishAsync(`${prefix}/sensors/cellar/temperature`, '12', { qos: 1 });
    await observer.publishAsync(`${prefix}/sensors/cellar/humidity`, '80', { qos: 1 });
    const runs = await until(
      () => runsOf(wf.id),
      (r) => r.length >= 2 && r.every((x) => x.status === 'success'),
    );
    await settle();
    expect(await runsOf(wf.id)).toHaveLength(2);
    expect(runs.every((r) => r.mode === 'subscription')).toBe(true);
    expect(
      runs.map((r) => r.trigger_data as unknown as ReceivedMessage).map((m) => [m.topic, m.payload, m.json]),
    ).toEqual([
      [`${prefix}/sensors/greenhouse/temperature`, '{"celsius":31.5}', { celsius: 31.5 }],
      [`${prefix}/sensors/cellar/temperature`, '12', 12],
    ]);
    expect(runs[0]?.trigger_data).toMatchObject({ qos: 1, retain: false });

    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
    await service.refresh();
    expect(service.live()).toEqual([]);
    await observer.publishAsync(`${prefix}/sensors/attic/temperature`, '40', { qos: 1 });
    await settle();
    expect(await runsOf(wf.id)).toHaveLength(2);
    await service.stop();
  }, 60_000);

  it('records messages published while the service was stopped exactly once when it starts again', async () => {
    const topic = `${prefix}/restart/#`;
    const wf = await activate(topic, broker);
    const first = subscriptions();
    await first.start();
    await first.refresh();
    await observer.publishAsync(`${prefix}/restart/a`, 'one', { qos: 1 });
    await until(
      () => runsOf(wf.id),
      (r) => r.length === 1,
    );
    await first.stop();

    // Queued by the broker in the workflow's persistent session.
    await observer.publishAsync(`${prefix}/restart/b`, 'two', { qos: 1 });
    await observer.publishAsync(`${prefix}/restart/c`, 'three', { qos: 1 });
    await settle();
    expect(await runsOf(wf.id)).toHaveLength(1);

    const second = subscriptions();
    await second.start();
    await second.refresh();
    await until(
      () => runsOf(wf.id),
      (r) => r.length >= 3,
    );
    await observer.publishAsync(`${prefix}/restart/d`, 'four', { qos: 1 });
    await until(
      () => runsOf(wf.id),
      (r) => r.length >= 4,
    );
    await second.stop();
    const third = subscriptions();
    await third.start();
    await third.refresh();
    await settle();
    await third.stop();
    expect(payloads(await runsOf(wf.id)).sort()).toEqual(['four', 'one', 'three', 'two']);
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
  }, 60_000);

  it('shows a subscription that cannot start on the workflow, and clears it once it runs', async () => {
    const unreachable = await connect('Gone broker', 'mqtt://127.0.0.1:1');
    const wf = await activate(`${prefix}/broken`, unreachable);
    const service = subscriptions();
    await service.start();
    await service.refresh();
    expect(service.live()).toEqual([]);
    const broken = await t.ctx.db
      .selectFrom('workflows')
      .select('trigger_error')
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(broken.trigger_error).toMatch(
      /^subscription failed \(1x, next try in \d+ s\): MQTT: cannot connect/,
    );

    // A new version with a reachable broker starts at once and clears the error.
    const version = await t.ctx.db
      .insertInto('workflow_versions')
      .values({
        workflow_id: wf.id,
        version: 2,
        name: 'engine test',
        definition: JSON.stringify(
          definition(
            {
              key: 'reading',
              service: 'mqtt',
              component: 'message',
              connection: broker,
              config: { topic: `${prefix}/broken` },
            },
            [],
          ),
        ),
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(version.id).toBeTruthy();
    await t.ctx.db
      .updateTable('workflows')
      .set({ version: 2, active_version: 2 })
      .where('id', '=', wf.id)
      .execute();
    await service.refresh();
    expect(service.live()).toEqual([wf.id]);
    const healed = await t.ctx.db
      .selectFrom('workflows')
      .select('trigger_error')
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(healed.trigger_error).toBeNull();
    await observer.publishAsync(`${prefix}/broken`, 'fixed', { qos: 1 });
    const runs = await until(
      () => runsOf(wf.id),
      (r) => r.length === 1,
    );
    expect(payloads(runs)).toEqual(['fixed']);
    await service.stop();
  }, 60_000);
});
