import type { ActionContext, LimitedFetch, TriggerContext } from './context.ts';
import type { JsonSchema, Props, PropsValue } from './props.ts';

/**
 * The three declarations an integration is made of. A service groups triggers and actions under one
 * auth; each component has a stable snake_case key (its full reference is `service.component`,
 * e.g. `http.request`), typed props and a JSON Schema of its output.
 */

export type TriggerMode = 'webhook' | 'polling' | 'schedule' | 'manual' | 'subscription';

/** Flow-control actions the engine treats specially (the matching workflow_nodes.node_type). */
export type FlowKind = 'condition' | 'filter' | 'delay';

export interface ActionDefinition<P extends Props = Props, O = unknown> {
  key: string;
  name: string;
  description: string;
  props: P;
  output: JsonSchema;
  sampleOutput: O;
  /**
   * condition: output `{ result: boolean }` picks the true or false edge.
   * filter: output `{ pass: false }` ends the run quietly (status skipped).
   * delay: output `{ waitUntil: ISO string, delayMs }`; the engine resumes the run then.
   */
  flow?: FlowKind;
  /** Whether a node of this action must name a connection (default: the service requires auth). */
  requiresConnection?: boolean;
  run(ctx: ActionContext<PropsValue<P>>): Promise<O>;
}

/** An incoming request to a webhook trigger, as the intake hands it over. */
export interface WebhookRequest {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Parsed body: JSON value, form fields as an object, or text. */
  body: unknown;
  /** The exact bytes received (signature checks). */
  rawBody: Buffer;
  contentType: string | undefined;
}

/** What to answer a request without running the workflow (handshakes, rejections). */
export interface WebhookReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type VerifyResult = { ok: true } | { ok: false; status?: number; reason: string };

export interface WebhookHooks<P> {
  /** Checks the request's authenticity (e.g. an HMAC signature); a failure answers 401 and runs nothing. */
  verify?(request: WebhookRequest, ctx: TriggerContext<P>): VerifyResult;
  /** A provider's set-up challenge: when it returns a reply, that reply is sent and nothing runs. */
  handshake?(request: WebhookRequest, ctx: TriggerContext<P>): WebhookReply | undefined;
  /** The trigger data of the run; undefined ignores the request (answered 200, no run). */
  toEvent(request: WebhookRequest, ctx: TriggerContext<P>): unknown;
  /**
   * The provider's delivery id when it sits in the body (not a header): the run's idempotency key
   * when the request carries none, so a provider's retry starts no second run.
   */
  deliveryId?(request: WebhookRequest): string | undefined;
}

export type Dedupe<I> =
  | { by: 'id'; id(item: I): string }
  | { by: 'timestamp'; timestamp(item: I): string | number | Date; id?(item: I): string };

/** What earlier polls saw, so a poll can ask the provider only for newer items. */
export interface PollCursor {
  /** Ids seen most recently (newest last), by-id dedupe. */
  seenIds: readonly string[];
  /** Highest timestamp seen (ms since epoch), by-timestamp dedupe. */
  lastTimestamp: number | undefined;
  /** True until the first poll has been recorded. */
  firstPoll: boolean;
}

export interface PollingHooks<P, I> {
  /** Default interval between polls, seconds. */
  intervalSeconds: number;
  dedupe: Dedupe<I>;
  /** On the first poll: 'skip' records what exists without firing (default), 'emit' fires for it. */
  firstRun?: 'skip' | 'emit';
  /** Returns the candidate items (any order); the dedupe keeps the ones never fired before. */
  poll(ctx: TriggerContext<P> & { cursor: PollCursor }): Promise<I[]>;
}

export interface ScheduleHooks<P> {
  /** The next fire time strictly after `after`, or null when the schedule is over. */
  next(props: P, after: Date): Date | null;
  /** The trigger data of a tick. */
  toEvent?(props: P, firedAt: Date): unknown;
}

/**
 * A trigger that stays connected to its provider (a broker, a socket) while the workflow is active.
 * `emit` resolves once the run is recorded (committed): acknowledge the provider only after it.
 * A repeat of the same idempotency key makes no second run.
 */
export interface SubscriptionHooks<P> {
  start(
    ctx: TriggerContext<P> & { emit(event: unknown, idempotencyKey?: string): Promise<void> },
  ): Promise<{ stop(): Promise<void> }>;
}

export interface ManualHooks<P> {
  /** The trigger data of a run started by hand with `input`. */
  toEvent(input: unknown, props: P): unknown;
}

interface TriggerBase<P extends Props, O> {
  key: string;
  name: string;
  description: string;
  props: P;
  output: JsonSchema;
  sampleOutput: O;
  /** Called when a workflow using the trigger is activated / deactivated (provider subscriptions). */
  onEnable?(ctx: TriggerContext<PropsValue<P>>): Promise<void>;
  onDisable?(ctx: TriggerContext<PropsValue<P>>): Promise<void>;
}

export type WebhookTrigger<P extends Props = Props, O = unknown> = TriggerBase<P, O> & {
  mode: 'webhook';
  webhook: WebhookHooks<PropsValue<P>>;
};
// biome-ignore lint/suspicious/noExplicitAny: the item type is the trigger's own business
export type PollingTrigger<P extends Props = Props, O = unknown, I = any> = TriggerBase<P, O> & {
  mode: 'polling';
  polling: PollingHooks<PropsValue<P>, I>;
};
export type ScheduleTrigger<P extends Props = Props, O = unknown> = TriggerBase<P, O> & {
  mode: 'schedule';
  schedule: ScheduleHooks<PropsValue<P>>;
};
export type ManualTrigger<P extends Props = Props, O = unknown> = TriggerBase<P, O> & {
  mode: 'manual';
  manual: ManualHooks<PropsValue<P>>;
};
export type SubscriptionTrigger<P extends Props = Props, O = unknown> = TriggerBase<P, O> & {
  mode: 'subscription';
  subscription: SubscriptionHooks<PropsValue<P>>;
};

export type TriggerDefinition<P extends Props = Props, O = unknown> =
  | WebhookTrigger<P, O>
  | PollingTrigger<P, O>
  | ScheduleTrigger<P, O>
  | ManualTrigger<P, O>
  | SubscriptionTrigger<P, O>;

export interface AuthTestContext {
  auth: unknown;
  config: Record<string, unknown>;
  http: LimitedFetch;
  signal: AbortSignal;
}

export type AuthType = 'none' | 'api_key' | 'basic' | 'bearer' | 'oauth2' | 'custom';

export interface OAuth2Settings {
  /** Provider endpoints; omitted when the user supplies them (generic OAuth2). */
  authorizationUrl?: string;
  tokenUrl?: string;
  scopes: readonly string[];
  /** PKCE S256 (default true). */
  pkce?: boolean;
  /** Extra query parameters of the authorization request (e.g. access_type=offline). */
  authorizeParams?: Record<string, string>;
  /** The user may give other endpoints when connecting (self-hosted editions of the provider). */
  customEndpoints?: boolean;
  /** How the token endpoint wants the client to authenticate: form body (default) or HTTP Basic. */
  clientAuth?: 'body' | 'basic';
}

export type ServiceAuth =
  | { type: 'none' }
  | {
      type: 'api_key' | 'basic' | 'bearer' | 'custom';
      /** The credential fields, validated at connection time, stored encrypted. */
      props: Props;
      /** Checks the credentials against the provider; throws with a readable message when they fail. */
      test?(ctx: AuthTestContext): Promise<void>;
    }
  | { type: 'oauth2'; oauth2: OAuth2Settings; test?(ctx: AuthTestContext): Promise<void> };

/**
 * Several ways to connect one service (e.g. a pasted token or the OAuth2 flow); each connection uses
 * one option, told apart by type, so at most one option per type.
 */
export interface ServiceAuthAlternatives {
  type: 'alternatives';
  options: readonly ServiceAuth[];
}

/** A pre-filled connection set-up shown when connecting the service (integration_templates). */
export interface IntegrationTemplate {
  name: string;
  description: string;
  configuration?: Record<string, unknown>;
  requiredScopes?: readonly string[];
  setupGuide?: string;
}

export interface ServiceDefinition {
  key: string;
  name: string;
  description: string;
  /** Icon name or URL. */
  icon: string;
  category: string;
  docsUrl?: string;
  auth: ServiceAuth | ServiceAuthAlternatives;
  triggers: readonly TriggerDefinition<Props, unknown>[];
  actions: readonly ActionDefinition<Props, unknown>[];
  templates?: readonly IntegrationTemplate[];
  /** Periodic reachability check of the provider, written to system_status. */
  healthCheck?(ctx: { http: LimitedFetch; signal: AbortSignal }): Promise<void>;
}

export function defineAction<P extends Props, O>(definition: ActionDefinition<P, O>): ActionDefinition<P, O> {
  return definition;
}

export function defineTrigger<P extends Props, O>(definition: WebhookTrigger<P, O>): WebhookTrigger<P, O>;
export function defineTrigger<P extends Props, O, I>(
  definition: PollingTrigger<P, O, I>,
): PollingTrigger<P, O, I>;
export function defineTrigger<P extends Props, O>(definition: ScheduleTrigger<P, O>): ScheduleTrigger<P, O>;
export function defineTrigger<P extends Props, O>(definition: ManualTrigger<P, O>): ManualTrigger<P, O>;
export function defineTrigger<P extends Props, O>(
  definition: SubscriptionTrigger<P, O>,
): SubscriptionTrigger<P, O>;
export function defineTrigger<P extends Props, O>(
  definition: TriggerDefinition<P, O>,
): TriggerDefinition<P, O> {
  return definition;
}

export function defineService(definition: ServiceDefinition): ServiceDefinition {
  return definition;
}
