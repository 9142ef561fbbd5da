import { randomUUID } from 'node:crypto';
import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { connectBroker, type ReceivedMessage, sessionClientId, toReceived } from '../common/connect.ts';
import { messageProps, receivedSchema, sampleReceived } from '../common/message-props.ts';

/** How long a poll waits for the next delivery before it decides the queue is drained. */
const IDLE_MS = 500;

/**
 * Each poll reconnects to the same persistent session (a stable client id, clean = false) and takes
 * what the broker queued since the last poll (QoS 1 messages), then disconnects. The long-lived
 * subscriber in message-subscription.ts receives them as they come instead, when the engine runs it.
 */
export const messageTrigger = defineTrigger({
  key: 'message',
  name: 'Message on a topic',
  description:
    'Runs for each message published to a topic (wildcards + and # allowed). The broker keeps messages for Area between checks (QoS 1, persistent session).',
  mode: 'polling',
  props: {
    ...messageProps,
    listenSeconds: prop.number({
      displayName: 'Listen for at most (seconds)',
      description: 'How long one check stays connected while messages keep arriving.',
      integer: true,
      minimum: 1,
      maximum: 30,
      default: 5,
    }),
    maxMessages: prop.number({
      displayName: 'Messages per check at most',
      integer: true,
      minimum: 1,
      maximum: 1000,
      default: 100,
    }),
  },
  output: receivedSchema,
  sampleOutput: sampleReceived,
  polling: {
    intervalSeconds: 60,
    // The first check opens the session; what it already receives is new, so it fires.
    firstRun: 'emit',
    dedupe: { by: 'id', id: (m: ReceivedMessage) => m.id },
    async poll(ctx) {
      const received: ReceivedMessage[] = [];
      const max = ctx.props.maxMessages ?? 100;
      let lastActivity = Date.now();
      let full = false;
      const client = await connectBroker(ctx.auth, {
        clientId: sessionClientId(ctx.workflow.id, ctx.node.key),
        clean: false,
        signal: ctx.signal,
        setup(c) {
          c.handleMessage = (packet, done) => {
            lastActivity = Date.now();
            if (received.length >= max) {
              // Left unacknowledged (done is never called): the broker hands it over at the next check.
              // Holding it also holds the client's input, so the check ends here.
              if (!full) c.end(false);
              full = true;
              return;
            }
            if (packet.cmd === 'publish' && (!packet.retain || ctx.props.includeRetained)) {
              received.push(
                toReceived(
                  randomUUID(),
                  packet.topic,
                  Buffer.from(packet.payload),
                  packet.qos,
                  packet.retain,
                ),
              );
            }
            done();
          };
        },
      });
      try {
        try {
          await client.subscribeAsync(ctx.props.topic, { qos: 1 });
        } catch (error) {
          // The subscription survives in the persistent session; a full check ended before its answer.
          if (!full) throw error;
        }
        lastActivity = Date.now();
        const until = Date.now() + (ctx.props.listenSeconds ?? 5) * 1000;
        while (
          !full &&
          Date.now() < until &&
          received.length < max &&
          Date.now() - lastActivity < IDLE_MS &&
          !ctx.signal.aborted
        ) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        if (!full) await client.endAsync();
      }
      return received;
    },
  },
});
