import { defineTrigger } from '../../../catalog/define.ts';
import { messageProps, receivedSchema, sampleReceived } from '../common/message-props.ts';
import { startMqttSubscription } from './message-subscription.ts';

/**
 * While the workflow is active the engine keeps one connection subscribed (QoS 1, persistent session
 * under a stable client id). A message is acknowledged only after its run is recorded, and what the
 * broker queued while Area was away arrives when the subscription starts again.
 */
export const messageTrigger = defineTrigger({
  key: 'message',
  name: 'Message on a topic',
  description:
    'Runs for each message published to a topic (wildcards + and # allowed), as it arrives. The broker keeps messages for Area while it is away (QoS 1, persistent session).',
  mode: 'subscription',
  props: messageProps,
  output: receivedSchema,
  sampleOutput: sampleReceived,
  subscription: {
    start: (ctx) => startMqttSubscription(ctx),
  },
});
