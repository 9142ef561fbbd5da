import type { Edge, Node } from '@xyflow/react';
import type { Definition, DefinitionEdge } from '../api/types.ts';

/** What each node of the canvas carries. */
export type StepNodeData = {
  key: string;
  title: string;
  subtitle: string;
  isTrigger: boolean;
  status?: string | undefined;
  problems?: number | undefined;
  disabled?: boolean | undefined;
};

export type StepNode = Node<StepNodeData, 'step'>;

const X_GAP = 280;
const Y_GAP = 130;

/** Positions for nodes that have none: columns by distance from the trigger. */
export function autoLayout(definition: Definition): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const root = definition.trigger?.key;
  const queue: string[] = [];
  if (root) {
    depth.set(root, 0);
    queue.push(root);
  }
  while (queue.length > 0) {
    const key = queue.shift()!;
    for (const edge of definition.edges) {
      if (edge.from === key && !depth.has(edge.to)) {
        depth.set(edge.to, depth.get(key)! + 1);
        queue.push(edge.to);
      }
    }
  }
  for (const node of definition.nodes) if (!depth.has(node.key)) depth.set(node.key, 1);
  const rows = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const [key, d] of depth) {
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    positions.set(key, { x: d * X_GAP, y: row * Y_GAP });
  }
  return positions;
}

export function edgeId(edge: DefinitionEdge): string {
  return `${edge.from}->${edge.to}${edge.when ? `:${edge.when}` : ''}`;
}

export function toFlow(
  definition: Definition,
  decorate: (key: string) => Partial<StepNodeData> = () => ({}),
  names: (service?: string, component?: string) => string | undefined = () => undefined,
): { nodes: StepNode[]; edges: Edge[] } {
  const auto = autoLayout(definition);
  const nodes: StepNode[] = [];
  const trigger = definition.trigger;
  if (trigger) {
    nodes.push({
      id: trigger.key,
      type: 'step',
      position: trigger.position ?? auto.get(trigger.key) ?? { x: 0, y: 0 },
      data: {
        key: trigger.key,
        title: trigger.label || names(trigger.service, trigger.component) || trigger.component,
        subtitle: `${trigger.service} · trigger`,
        isTrigger: true,
        disabled: trigger.enabled === false,
        ...decorate(trigger.key),
      },
    });
  }
  for (const node of definition.nodes) {
    nodes.push({
      id: node.key,
      type: 'step',
      position: node.position ?? auto.get(node.key) ?? { x: X_GAP, y: 0 },
      data: {
        key: node.key,
        title: node.label || names(node.service, node.component) || node.component || node.type || node.key,
        subtitle: `${node.service ?? node.type ?? 'step'} · ${node.key}`,
        isTrigger: false,
        disabled: node.enabled === false,
        ...decorate(node.key),
      },
    });
  }
  const edges: Edge[] = definition.edges.map((edge) => ({
    id: edgeId(edge),
    source: edge.from,
    target: edge.to,
    label: edge.when,
    className: edge.when ? `edge-${edge.when}` : undefined,
    animated: false,
  }));
  return { nodes, edges };
}

/** The workflow's definition, whether the API nests it or spreads it on the workflow. */
export function definitionOf(
  value: Partial<Definition> & { definition?: Definition; name?: string },
): Definition {
  const source = value.definition ?? value;
  return {
    name: source.name ?? value.name ?? 'Untitled workflow',
    ...(source.description ? { description: source.description } : {}),
    tags: source.tags ?? [],
    ...(source.trigger ? { trigger: source.trigger } : {}),
    nodes: source.nodes ?? [],
    edges: source.edges ?? [],
    ...(source.settings ? { settings: source.settings } : {}),
  };
}
