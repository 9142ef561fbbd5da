import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServices } from '../../catalog/validate-services.ts';
import { actionContext, triggerContext } from '../testing/component-context.ts';
import { publishAction } from './actions/publish.ts';
import { mqttAuth } from './auth.ts';
import { type ReceivedMessage, sessionClientId } from './common/connect.ts';
import { mqttService } from './index.ts';
import { startMqttSubscription } from './triggers/message-subscription.ts';

/** The real Mosquitto broker; every test works under a topic prefix of its own. */
const BROKER = 'mqtt://127.0.0.1:1883';
const auth = { brokerUrl: BROKER };
const prefix = `area-test/${randomBytes(5).toString('hex')}`;
let observer: MqttClient;

beforeAll(async () => {
  observer = await connectAsync(BROKER, { clientId: `observer_${randomBytes(4).toString('hex')}` });
});

afterAll(async () => {
  // Clear retained messages left by the tests.
  await observer.publishAsync(`${prefix}/retained`, '', { retain: true, qos: 1 });
  await observer.endAsync();
});

function nextMessage(
  client: MqttClient,
  topic: string,
): Promise<{ payload: string; qos: number; retain: boolean }> {
  return new Promise((resolve) => {
    const onMessage = (t: string, payload: Buffer, packet: { qos: number; retain: boolean }) => {
      if (t !== topic) return;
      client.off('message', onMessage);
      resolve({ payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain });
    };
    client.on('message', onMessage);
  });
}

/** Forgets a persistent session the test opened on the broker. */
async function dropSession(clientId: string) {
  const c = await connectAsync(BROKER, { clientId, clean: true });
  await c.endAsync();
}

describe('mqtt service', () => {
  it('is a valid catalog entry', () => {
    expect(validateServices([mqttService])).toEqual([]);
  });

  it('checks the broker by connecting, and names an unreachable one', async () => {
    if (mqttAuth.type !== 'basic') throw new Error('basic auth expected');
    const ctx = actionContext({});
    await mqttAuth.test?.({ auth, config: {}, http: ctx.http, signal: ctx.signal });
    await expect(
      mqttAuth.test?.({
        auth: { brokerUrl: 'mqtt://127.0.0.1:1', username: 'u', password: 'hunter2' },
        config: {},
        http: ctx.http,
        signal: ctx.signal,
      }),
    ).rejects.toThrow(/MQTT: cannot connect to mqtt:\/\/127\.0\.0\.1:1.*ECONNREFUSED/);
  });
});

describe('mqtt.publish', () => {
  it('publishes with the chosen QoS and the broker delivers it', async () => {
    const topic = `${prefix}/lamp/set`;
    await observer.subscribeAsync(topic, { qos: 2 });
    const arriving = nextMessage(observer, topic);
    const out = await publishAction.run(
      actionContext({ topic, payload: '{"state":"ON"}', qos: '2' as const, retain: false }, { auth }),
    );
    expect(out).toMatchObject({ topic, bytes: 14, qos: 2, retain: false });
    expect(await arriving).toEqual({ payload: '{"state":"ON"}', qos: 2, retain: false });
  });

  it('retains a message for later subscribers', async () => {
    const topic = `${prefix}/retained`;
    await publishAction.run(
      actionContext({ topic, payload: 'kept', qos: '1' as const, retain: true }, { auth }),
    );
    const late = await connectAsync(BROKER, { clientId: `late_${randomBytes(4).toString('hex')}` });
    try {
      const arriving = nextMessage(late, topic);
      await late.subscribeAsync(topic, { qos: 1 });
      expect(await arriving).toMatchObject({ payload: 'kept', retain: true });
    } finally {
      await late.endAsync();
    }
  });

  it('says when the broker cannot be reached', async () => {
    await expect(
      publishAction.run(
        actionContext({ topic: `${prefix}/x`, payload: 'x' }, { auth: { brokerUrl: 'mqtt://127.0.0.1:1' } }),
      ),
    ).rejects.toThrow('MQTT: cannot connect to mqtt://127.0.0.1:1');
  });
});

describe('mqtt live subscription', () => {
  it('hands each message to emit and acknowledges it only after emit', async () => {
    const topic = `${prefix}/live/#`;
    const workflow = { id: `wf-${randomBytes(4).toString('hex')}`, userId: 'u1' };
    const got: ReceivedMessage[] = [];
    let fail = true;
    const ctx = {
      ...triggerContext({ topic }, { auth, workflow }),
      async emit(message: ReceivedMessage) {
        if (fail) {
          fail = false;
          throw new Error('database unavailable');
        }
        got.push(message);
      },
    };
    const subscription = await startMqttSubscription(ctx);
    try {
      await observer.publishAsync(`${prefix}/live/door`, 'open', { qos: 1 });
      // The failed emit left the message unacknowledged: after the reconnect the broker delivers it again.
      await waitFor(() => got.length === 1);
      expect(got[0]).toMatchObject({ topic: `${prefix}/live/door`, payload: 'open', qos: 1 });
      expect(ctx.log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
      await observer.publishAsync(`${prefix}/live/window`, 'closed', { qos: 1 });
      await waitFor(() => got.length === 2);
      expect(got[1]).toMatchObject({ topic: `${prefix}/live/window`, payload: 'closed' });
    } finally {
      await subscription.stop();
      await dropSession(sessionClientId(workflow.id, 'trigger'));
    }
  });
});

async function waitFor(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
