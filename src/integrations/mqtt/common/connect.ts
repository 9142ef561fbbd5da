import { createHash } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';

export interface MqttAuth {
  brokerUrl: string;
  username?: string;
  password?: string;
}

export function authOf(auth: unknown): MqttAuth {
  const record = (auth && typeof auth === 'object' ? auth : {}) as Record<string, unknown>;
  const brokerUrl = typeof record['brokerUrl'] === 'string' ? record['brokerUrl'].trim() : '';
  if (!brokerUrl) throw new Error('MQTT: the connection has no broker URL');
  return {
    brokerUrl,
    ...(typeof record['username'] === 'string' && record['username'] ? { username: record['username'] } : {}),
    ...(typeof record['password'] === 'string' && record['password'] ? { password: record['password'] } : {}),
  };
}

export interface ConnectOptions {
  clientId?: string;
  /** false: a persistent session, the broker keeps QoS 1/2 messages while we are away. */
  clean?: boolean;
  /** Reconnect after this many ms when the link drops (0: never, for one-shot calls). */
  reconnectPeriod?: number;
  signal?: AbortSignal;
  /**
   * Called before the connection opens: a persistent session's queued messages arrive right after the
   * broker accepts us, so message handling must be in place first.
   */
  setup?(client: MqttClient): void;
}

/** Connects to the broker; a refusal (wrong password, unknown host) comes back as a readable error. */
export async function connectBroker(auth: unknown, options: ConnectOptions = {}): Promise<MqttClient> {
  const { brokerUrl, username, password } = authOf(auth);
  const config: IClientOptions = {
    clientId:
      options.clientId ??
      `area_${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16)}`,
    clean: options.clean ?? true,
    connectTimeout: 10_000,
    reconnectPeriod: options.reconnectPeriod ?? 0,
    protocolVersion: 4,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
  if (options.signal?.aborted) throw new Error('MQTT: cancelled');
  // The client library is loaded on first use: most processes never talk to a broker.
  const { connect } = await import('mqtt');
  const client = connect(brokerUrl, { ...config, manualConnect: true });
  options.setup?.(client);
  try {
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        client.off('connect', onConnect);
        reject(error);
      };
      client.once('connect', onConnect);
      client.once('error', onError);
      client.connect();
    });
  } catch (error) {
    client.end(true);
    throw new Error(`MQTT: cannot connect to ${redact(brokerUrl)}: ${(error as Error).message}`);
  }
  return client;
}

/** The broker URL without a password that may sit in it. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the broker';
  }
}

/** A stable client id per workflow trigger, so the broker keeps its session between polls and restarts. */
export function sessionClientId(workflowId: string, nodeKey: string): string {
  return `area_${createHash('sha256').update(`${workflowId}:${nodeKey}`).digest('hex').slice(0, 20)}`;
}

export interface ReceivedMessage {
  id: string;
  topic: string;
  payload: string;
  /** The payload parsed as JSON, or null when it is not JSON. */
  json: unknown;
  qos: number;
  retain: boolean;
  receivedAt: string;
}

export function toReceived(
  id: string,
  topic: string,
  payload: Buffer,
  qos: number,
  retain: boolean,
): ReceivedMessage {
  const text = payload.toString('utf8');
  let json: unknown = null;
  try {
    json = text.trim() === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { id, topic, payload: text, json, qos, retain, receivedAt: new Date().toISOString() };
}

export const BROKER_URL_PATTERN = '^(mqtts?|wss?|tcp|ssl)://';
