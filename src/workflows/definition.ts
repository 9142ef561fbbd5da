import { type Static, Type } from 'typebox';

/**
 * The one shape of a workflow: what the API accepts, what import/export and the assistant speak,
 * and what a published version stores (workflow_versions.definition) for the engine to run.
 */

/** Same rule as workflow_nodes.node_key: usable as `steps.<key>` in templates. */
export const NODE_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const NodeKey = Type.String({ pattern: NODE_KEY_PATTERN, minLength: 1, maxLength: 100 });

/** Free-form parameters, checked against the component's config schema; values may hold `{{ }}` templates. */
export const NodeConfig = Type.Record(Type.String(), Type.Unknown());
export type NodeConfig = Static<typeof NodeConfig>;

export const NodePosition = Type.Object(
  { x: Type.Number(), y: Type.Number() },
  { additionalProperties: false },
);
export type NodePosition = Static<typeof NodePosition>;

export const RetryPolicy = Type.Object(
  {
    /** Total attempts including the first; 1 means no retry. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
    backoff: Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('exponential')])),
    /** Wait before the second attempt (doubled each time for exponential backoff). */
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type RetryPolicy = Static<typeof RetryPolicy>;

/**
 * What a step node does: `action` calls a catalog component; the others are flow control whose
 * behaviour also comes from a component (the logic service) when `component` is given.
 */
export const NodeType = Type.Union([
  Type.Literal('action'),
  Type.Literal('condition'),
  Type.Literal('filter'),
  Type.Literal('delay'),
]);
export type NodeType = Static<typeof NodeType>;

export const DefinitionTrigger = Type.Object(
  {
    key: NodeKey,
    service: Type.String({ minLength: 1, maxLength: 100 }),
    component: Type.String({ minLength: 1, maxLength: 100 }),
    /** A connection id of the owner (absent in exports: see `WorkflowExport.connections`). */
    connection: Type.Optional(Type.String({ maxLength: 100 })),
    config: NodeConfig,
    label: Type.Optional(Type.String({ maxLength: 255 })),
    position: Type.Optional(NodePosition),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DefinitionTrigger = Static<typeof DefinitionTrigger>;

export const DefinitionNode = Type.Object(
  {
    key: NodeKey,
    /** Defaults to `action`. */
    type: Type.Optional(NodeType),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    component: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    connection: Type.Optional(Type.String({ maxLength: 100 })),
    config: NodeConfig,
    label: Type.Optional(Type.String({ maxLength: 255 })),
    position: Type.Optional(NodePosition),
    retry: Type.Optional(RetryPolicy),
    /** A disabled node is skipped at run time and passes its input through. Defaults to true. */
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DefinitionNode = Static<typeof DefinitionNode>;

export const EdgeCondition = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('error')]);
export type EdgeCondition = Static<typeof EdgeCondition>;

/** `from` may be the trigger's key. No `when` = always (after success). */
export const DefinitionEdge = Type.Object(
  { from: NodeKey, to: NodeKey, when: Type.Optional(EdgeCondition) },
  { additionalProperties: false },
);
export type DefinitionEdge = Static<typeof DefinitionEdge>;

export const WorkflowSettings = Type.Object(
  {
    /** Runs of this workflow at once; unset = no limit beyond the workers'. */
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** A run that takes longer fails. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
    /** IANA time zone for schedules and dates; the owner's when unset. */
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type WorkflowSettings = Static<typeof WorkflowSettings>;

/** The normalized definition: what a published version stores and the engine runs. */
export const WorkflowDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 }),
    trigger: DefinitionTrigger,
    nodes: Type.Array(DefinitionNode, { maxItems: 500 }),
    edges: Type.Array(DefinitionEdge, { maxItems: 2000 }),
    settings: Type.Optional(WorkflowSettings),
  },
  { additionalProperties: false },
);
export type WorkflowDefinition = Static<typeof WorkflowDefinition>;

/** An action in the `actions` shorthand: a node whose key may be left out. */
export const ShorthandAction = Type.Object(
  {
    key: Type.Optional(NodeKey),
    service: Type.String({ minLength: 1, maxLength: 100 }),
    component: Type.String({ minLength: 1, maxLength: 100 }),
    connection: Type.Optional(Type.String({ maxLength: 100 })),
    config: Type.Optional(NodeConfig),
    label: Type.Optional(Type.String({ maxLength: 255 })),
    position: Type.Optional(NodePosition),
    retry: Type.Optional(RetryPolicy),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ShorthandAction = Static<typeof ShorthandAction>;

/**
 * What a caller may send: the definition, with `nodes`/`edges`/`tags` optional, and `actions`
 * (a list run one after the other from the trigger: seed 000's flow, seed 001's AREA).
 * A draft may also lack its trigger.
 */
export const WorkflowDefinitionInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 })),
    trigger: Type.Optional(DefinitionTrigger),
    nodes: Type.Optional(Type.Array(DefinitionNode, { maxItems: 500 })),
    edges: Type.Optional(Type.Array(DefinitionEdge, { maxItems: 2000 })),
    actions: Type.Optional(Type.Array(ShorthandAction, { maxItems: 500 })),
    settings: Type.Optional(WorkflowSettings),
  },
  { additionalProperties: false },
);
export type WorkflowDefinitionInput = Static<typeof WorkflowDefinitionInput>;

/** A definition whose trigger may still be missing (a draft). */
export const DraftDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 }),
    trigger: Type.Optional(DefinitionTrigger),
    nodes: Type.Array(DefinitionNode, { maxItems: 500 }),
    edges: Type.Array(DefinitionEdge, { maxItems: 2000 }),
    settings: Type.Optional(WorkflowSettings),
  },
  { additionalProperties: false },
);
export type DraftDefinition = Static<typeof DraftDefinition>;

/** A draft that has its trigger: what validation in publish mode lets through. */
export function isComplete(definition: DraftDefinition): definition is WorkflowDefinition {
  return definition.trigger !== undefined;
}

/**
 * Turns an input into the normalized shape: `actions` become nodes chained one after the other
 * from the trigger, keys `step_N` are generated where missing, tags are de-duplicated.
 */
export function normalizeDefinition(input: WorkflowDefinitionInput): DraftDefinition {
  const nodes: DefinitionNode[] = (input.nodes ?? []).map((n) => tidyNode({ ...n, type: nodeTypeOf(n) }));
  const edges: DefinitionEdge[] = [...(input.edges ?? [])];
  const used = new Set<string>([...(input.trigger ? [input.trigger.key] : []), ...nodes.map((n) => n.key)]);
  let previous = input.trigger?.key;
  let counter = 0;
  for (const action of input.actions ?? []) {
    let key = action.key;
    if (!key) {
      do counter += 1;
      while (used.has(`step_${counter}`));
      key = `step_${counter}`;
    }
    used.add(key);
    const { key: _omit, config, ...rest } = action;
    nodes.push(tidyNode({ key, type: 'action', ...rest, config: config ?? {} }));
    if (previous) edges.push({ from: previous, to: key });
    previous = key;
  }
  const definition: DraftDefinition = {
    name: input.name,
    tags: [...new Set(input.tags ?? [])],
    nodes,
    edges,
  };
  if (input.description !== undefined) definition.description = input.description;
  if (input.trigger) {
    const { enabled, connection, ...trigger } = input.trigger;
    definition.trigger = {
      ...trigger,
      config: trigger.config ?? {},
      ...(connection ? { connection } : {}),
      ...(enabled === false ? { enabled } : {}),
    };
  }
  if (input.settings && Object.keys(input.settings).length > 0) definition.settings = input.settings;
  return definition;
}

/** `enabled: true` is the default and is left out, so equal graphs have equal definitions. */
function tidyNode(node: DefinitionNode): DefinitionNode {
  const { enabled, connection, ...rest } = node;
  return {
    ...rest,
    config: rest.config ?? {},
    ...(connection ? { connection } : {}),
    ...(enabled === false ? { enabled } : {}),
  };
}

/** The node type of a step, defaulted. */
export function nodeTypeOf(node: DefinitionNode): NodeType {
  return node.type ?? 'action';
}
