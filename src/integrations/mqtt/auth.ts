import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { BROKER_URL_PATTERN, connectBroker } from './common/connect.ts';

export const mqttAuth: ServiceAuth = {
  type: 'basic',
  props: {
    brokerUrl: prop.text({
      displayName: 'Broker URL',
      required: true,
      description: 'mqtt://host:1883, mqtts://host:8883 (TLS), or ws(s):// for MQTT over WebSocket.',
      placeholder: 'mqtts://broker.example.com:8883',
      pattern: BROKER_URL_PATTERN,
    }),
    username: prop.text({ displayName: 'Username', placeholder: 'area' }),
    password: prop.secret({ displayName: 'Password' }),
  },
  async test(ctx) {
    const client = await connectBroker(ctx.auth, { signal: ctx.signal });
    await client.endAsync();
  },
};
