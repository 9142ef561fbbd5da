/**
 * What a component's code receives when the engine runs it. One context per call: the rendered props,
 * the decrypted credentials of the node's connection, hook state, a step logger, cancellation and the
 * shared, limited fetch.
 */

/** Small persistent key/value store per workflow (table hook_states), scoped to one node. */
export interface HookState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Writes to the run's log (execution_logs), attributed to the current node. */
export interface StepLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface LimitedFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | URLSearchParams;
  /** Overrides the default time limit (never above the platform's maximum). */
  timeoutMs?: number;
  /** Overrides the default response size limit (never above the platform's maximum). */
  maxBytes?: number;
  /** Extra cancellation on top of the run's signal. */
  signal?: AbortSignal;
  redirect?: 'follow' | 'manual' | 'error';
}

/** A buffered response that already passed the size limit. */
export interface LimitedResponse {
  status: number;
  ok: boolean;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  text(): string;
  /** Parses the body as JSON; throws a clear error when it is not JSON. */
  json<T = unknown>(): T;
}

/** An HTTP client (fetch-like) with a time limit, a response size limit and the run's cancellation. */
export type LimitedFetch = (url: string | URL, init?: LimitedFetchInit) => Promise<LimitedResponse>;

/** The node's connection, when it has one. */
export interface ConnectionInfo {
  id: string;
  name: string;
  serviceKey: string;
  /** Non-secret settings stored with the connection (base URL, host, ...). */
  config: Record<string, unknown>;
  /**
   * Refreshes OAuth2 tokens now (after a 401) and returns the new credentials; for other auth types
   * it returns the stored credentials unchanged.
   */
  refresh(): Promise<unknown>;
}

export interface ExecutionInfo {
  id: string;
  workflowId: string;
  userId: string;
}

export interface BaseContext<P> {
  /** The node's parameters, templates already rendered by the engine, checked against the schema. */
  props: P;
  /** The decrypted credentials of the node's connection (shape: the service's auth), or undefined. */
  auth: unknown;
  connection?: ConnectionInfo;
  state: HookState;
  log: StepLogger;
  signal: AbortSignal;
  http: LimitedFetch;
}

export interface ActionContext<P> extends BaseContext<P> {
  execution: ExecutionInfo;
  node: { key: string };
}

export interface TriggerContext<P> extends BaseContext<P> {
  workflow: { id: string; userId: string };
  node: { key: string };
  /** The address Area is reached at (webhook URLs). */
  publicUrl: string;
  /** The workflow's public hook URL (`PUBLIC_URL/hooks/<token>`), when it has a webhook token. */
  webhookUrl?: string;
}
