import type { DefinitionEdge, DraftDefinition } from './definition.ts';

/**
 * The shape of a definition's graph: which keys exist, which edges point nowhere, the cycles,
 * the steps the trigger never reaches, and for each step the steps that always run before it.
 */
export interface GraphAnalysis {
  /** The trigger key (if any) then the node keys, in definition order. */
  keys: string[];
  /** Edges (by index) whose `from` or `to` is not a key of the definition. */
  danglingEdges: { index: number; end: 'from' | 'to'; key: string }[];
  /** Each cycle found once, as the keys along it. */
  cycles: string[][];
  /** Step keys no path from the trigger reaches. */
  unreachable: string[];
  /** Step keys in an order where every edge goes forward (reachable, acyclic part only). */
  order: string[];
  /** For each key, the keys with a path to it (its ancestors). */
  ancestors: Map<string, Set<string>>;
}

function adjacency(keys: Set<string>, edges: readonly DefinitionEdge[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) out.set(key, []);
  for (const edge of edges) {
    if (keys.has(edge.from) && keys.has(edge.to)) out.get(edge.from)?.push(edge.to);
  }
  return out;
}

export function analyzeGraph(definition: DraftDefinition): GraphAnalysis {
  const triggerKey = definition.trigger?.key;
  const keys = [...(triggerKey ? [triggerKey] : []), ...definition.nodes.map((n) => n.key)];
  const keySet = new Set(keys);
  const danglingEdges: GraphAnalysis['danglingEdges'] = [];
  definition.edges.forEach((edge, index) => {
    if (!keySet.has(edge.from)) danglingEdges.push({ index, end: 'from', key: edge.from });
    if (!keySet.has(edge.to)) danglingEdges.push({ index, end: 'to', key: edge.to });
  });
  const out = adjacency(keySet, definition.edges);

  // Cycles: depth-first search, a back edge closes one.
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const seenCycles = new Set<string>();
  const visit = (key: string): void => {
    state.set(key, 'open');
    stack.push(key);
    for (const next of out.get(key) ?? []) {
      const s = state.get(next);
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const id = [...cycle].sort().join('>');
        if (!seenCycles.has(id)) {
          seenCycles.add(id);
          cycles.push([...cycle, next]);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(key, 'done');
  };
  for (const key of keys) if (!state.has(key)) visit(key);

  const reached = new Set<string>();
  if (triggerKey) {
    const queue = [triggerKey];
    while (queue.length > 0) {
      const key = queue.shift() as string;
      if (reached.has(key)) continue;
      reached.add(key);
      queue.push(...(out.get(key) ?? []));
    }
  }
  const unreachable = definition.nodes.map((n) => n.key).filter((k) => !reached.has(k));

  // Kahn's algorithm over the reachable part; nodes on cycles never reach in-degree 0.
  const indegree = new Map<string, number>();
  for (const key of reached) indegree.set(key, 0);
  for (const key of reached) {
    for (const next of out.get(key) ?? []) indegree.set(next, (indegree.get(next) ?? 0) + 1);
  }
  const order: string[] = [];
  const ready = keys.filter((k) => reached.has(k) && indegree.get(k) === 0);
  while (ready.length > 0) {
    const key = ready.shift() as string;
    order.push(key);
    for (const next of out.get(key) ?? []) {
      const d = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
  }

  const incoming = new Map<string, string[]>();
  for (const key of keys) incoming.set(key, []);
  for (const [from, tos] of out) for (const to of tos) incoming.get(to)?.push(from);
  const ancestors = new Map<string, Set<string>>();
  for (const key of keys) {
    const seen = new Set<string>();
    const queue = [...(incoming.get(key) ?? [])];
    while (queue.length > 0) {
      const k = queue.shift() as string;
      if (seen.has(k)) continue;
      seen.add(k);
      queue.push(...(incoming.get(k) ?? []));
    }
    ancestors.set(key, seen);
  }

  return {
    keys,
    danglingEdges,
    cycles,
    unreachable,
    order: order.filter((k) => k !== triggerKey),
    ancestors,
  };
}

/** The edges leaving a node, for the engine to pick the next steps after it finished, failed or branched. */
export function outgoingEdges(definition: DraftDefinition, key: string): DefinitionEdge[] {
  return definition.edges.filter((e) => e.from === key);
}
