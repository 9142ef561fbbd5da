import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { connectBroker } from '../common/connect.ts';

const QOS = [
  { label: '0 — at most once', value: '0' },
  { label: '1 — at least once', value: '1' },
  { label: '2 — exactly once', value: '2' },
] as const;

export const publishAction = defineAction({
  key: 'publish',
  name: 'Publish a message',
  description: 'Publishes a message to a topic and waits for the broker to acknowledge it (QoS 1 and 2).',
  props: {
    topic: prop.text({
      displayName: 'Topic',
      required: true,
      description: 'No wildcards (+ or #) when publishing.',
      placeholder: 'home/livingroom/lamp/set',
      pattern: '^[^+#\\u0000]+$',
      maxLength: 65535,
    }),
    payload: prop.longText({ displayName: 'Payload', placeholder: '{"state": "ON", "brightness": 180}' }),
    qos: prop.select({ displayName: 'Quality of service', default: '1', options: QOS }),
    retain: prop.boolean({
      displayName: 'Retain',
      description: 'The broker keeps the message and hands it to future subscribers.',
      default: false,
    }),
  },
  output: {
    type: 'object',
    properties: {
      topic: { type: 'string' },
      bytes: { type: 'integer' },
      qos: { type: 'integer', enum: [0, 1, 2] },
      retain: { type: 'boolean' },
      publishedAt: { type: 'string', format: 'date-time' },
    },
    required: ['topic', 'bytes', 'qos', 'retain', 'publishedAt'],
  },
  sampleOutput: {
    topic: 'home/livingroom/lamp/set',
    bytes: 34,
    qos: 1 as 0 | 1 | 2,
    retain: false,
    publishedAt: '2026-11-20T09:15:02.114Z',
  },
  async run(ctx) {
    const qos = Number(ctx.props.qos ?? '1') as 0 | 1 | 2;
    const payload = Buffer.from(ctx.props.payload ?? '', 'utf8');
    const retain = ctx.props.retain ?? false;
    const client = await connectBroker(ctx.auth, { signal: ctx.signal });
    try {
      await client.publishAsync(ctx.props.topic, payload, { qos, retain });
    } catch (error) {
      throw new Error(`MQTT: the broker did not take the message: ${(error as Error).message}`);
    } finally {
      await client.endAsync();
    }
    return {
      topic: ctx.props.topic,
      bytes: payload.byteLength,
      qos,
      retain,
      publishedAt: new Date().toISOString(),
    };
  },
});
