import { randomUUID } from 'node:crypto';
import type { TriggerContext } from '../../../catalog/context.ts';
import { connectBroker, type ReceivedMessage, sessionClientId, toReceived } from '../common/connect.ts';

/** How long a graceful disconnect may take before the link is simply closed. */
const STOP_WAIT_MS = 5_000;

export interface SubscriptionProps {
  topic: string;
  includeRetained?: boolean | undefined;
}

export interface RunningSubscription {
  stop(): Promise<void>;
}

/**
 * The live form of the "Message on a topic" trigger: one connection that stays subscribed and hands
 * each message to `emit` as it arrives. A QoS 1 message is acknowledged only after `emit` resolved (the
 * run is recorded), so a crash in between makes the broker deliver it again; `emit` failing leaves
 * it unacknowledged for the same reason. `stop` lets the message being recorded finish and be
 * acknowledged; later ones stay with the broker, which delivers them when the session is resumed.
 */
export async function startMqttSubscription(
  ctx: TriggerContext<SubscriptionProps> & { emit(message: ReceivedMessage): Promise<void> },
): Promise<RunningSubscription> {
  let stopping = false;
  let recording: Promise<void> = Promise.resolve();
  let holding = false;
  const client = await connectBroker(ctx.auth, {
    clientId: sessionClientId(ctx.workflow.id, ctx.node.key),
    clean: false,
    reconnectPeriod: 5_000,
    signal: ctx.signal,
    setup(c) {
      c.handleMessage = (packet, done) => {
        if (stopping) {
          // Not acknowledged: the broker keeps it in the session. This also holds the client's input.
          holding = true;
          return;
        }
        if (packet.cmd !== 'publish' || (packet.retain && !ctx.props.includeRetained)) {
          done();
          return;
        }
        const message = toReceived(
          randomUUID(),
          packet.topic,
          Buffer.from(packet.payload),
          packet.qos,
          packet.retain,
        );
        recording = ctx.emit(message).then(
          () => done(),
          (error: unknown) => {
            ctx.log.error('the message could not be recorded; the broker will deliver it again', {
              topic: packet.topic,
              error: (error as Error).message,
            });
            // Dropping the link without the acknowledgement makes the broker deliver it again on reconnect.
            if (!stopping) c.end(true, {}, () => c.reconnect());
          },
        );
      };
      c.on('error', (error) => ctx.log.warn('MQTT connection problem', { error: error.message }));
    },
  });
  await client.subscribeAsync(ctx.props.topic, { qos: 1 });
  return {
    async stop() {
      stopping = true;
      await recording;
      // Let the acknowledgement of the last recorded message reach the socket before leaving.
      await new Promise((resolve) => setImmediate(resolve));
      // A held message blocks the client's input, which a graceful disconnect may wait on.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.endAsync(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, holding ? 0 : STOP_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!client.disconnected) client.end(true);
    },
  };
}
