import type { JsonSchema } from '../../../catalog/props.ts';
import { prop } from '../../../catalog/props.ts';
import type { ReceivedMessage } from './connect.ts';

export const messageProps = {
  topic: prop.text({
    displayName: 'Topic filter',
    required: true,
    description: '+ matches one level, # the rest: sensors/+/temperature, home/#',
    placeholder: 'sensors/+/temperature',
    maxLength: 65535,
  }),
  includeRetained: prop.boolean({
    displayName: 'Include retained messages',
    description: 'Off: the message a broker keeps for new subscribers does not fire the workflow.',
    default: false,
  }),
};

export const receivedSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Given by Area on receipt' },
    topic: { type: 'string' },
    payload: { type: 'string', description: 'The payload as UTF-8 text' },
    json: { description: 'The payload parsed as JSON, or null' },
    qos: { type: 'integer', enum: [0, 1, 2] },
    retain: { type: 'boolean' },
    receivedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'topic', 'payload', 'json', 'qos', 'retain', 'receivedAt'],
};

export const sampleReceived: ReceivedMessage = {
  id: '0f8e3c1a-5b7d-4e2f-9a61-3c5d7e9f1b2a',
  topic: 'sensors/greenhouse/temperature',
  payload: '{"celsius": 31.5}',
  json: { celsius: 31.5 },
  qos: 1,
  retain: false,
  receivedAt: '2026-11-20T09:15:02.114Z',
};
