import type { FieldProblem } from '../http/errors.ts';
import { type DraftDefinition, nodeTypeOf } from '../workflows/definition.ts';
import type { CatalogServiceView } from './catalog-view.ts';
import type { CheckedProposal, Question } from './check-proposal.ts';

export interface GraphNode {
  key: string;
  kind: 'trigger' | 'action' | 'condition' | 'filter' | 'delay';
  service: string | null;
  component: string | null;
  label: string;
}

export interface ProposalView {
  definition: DraftDefinition;
  /** The model's words. */
  summary: string;
  /** What the workflow does, step by step, from the definition itself. */
  steps: string[];
  graph: { nodes: GraphNode[]; edges: { from: string; to: string; when: string | null }[] };
  valid: boolean;
  problems: FieldProblem[];
  questions: Question[];
}

function nameOf(
  catalog: CatalogServiceView[],
  service: string | undefined,
  component: string | undefined,
): string {
  const s = catalog.find((x) => x.key === service);
  const c = s?.components.find((x) => x.key === component);
  if (!s || !c) return [service, component].filter(Boolean).join('.') || 'an empty step';
  return `${c.name} (${s.name})`;
}

function configText(config: Record<string, unknown>): string {
  const parts = Object.entries(config)
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`.slice(0, 80));
  return parts.length > 0 ? ` [${parts.join('; ')}]` : '';
}

/** The readable summary and the graph of a checked proposal. */
export function proposalView(
  checked: CheckedProposal,
  catalog: CatalogServiceView[],
): ProposalView | undefined {
  const definition = checked.definition;
  if (!definition) return undefined;
  const nodes: GraphNode[] = [];
  const steps: string[] = [];
  const t = definition.trigger;
  if (t) {
    const label = t.label ?? nameOf(catalog, t.service, t.component);
    nodes.push({ key: t.key, kind: 'trigger', service: t.service, component: t.component, label });
    steps.push(`When: ${nameOf(catalog, t.service, t.component)}${configText(t.config)}`);
  }
  const incoming = new Map<string, string[]>();
  for (const e of definition.edges)
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.when ? `${e.from} is ${e.when}` : e.from]);
  for (const n of definition.nodes) {
    const kind = nodeTypeOf(n);
    const label = n.label ?? nameOf(catalog, n.service, n.component);
    nodes.push({ key: n.key, kind, service: n.service ?? null, component: n.component ?? null, label });
    const after = incoming.get(n.key);
    steps.push(
      `${kind === 'action' ? 'Then' : kind[0]?.toUpperCase() + kind.slice(1)} (${n.key}${after ? `, after ${after.join(' or ')}` : ''}): ${nameOf(catalog, n.service, n.component)}${configText(n.config)}`,
    );
  }
  return {
    definition,
    summary: checked.summary,
    steps,
    graph: { nodes, edges: definition.edges.map((e) => ({ from: e.from, to: e.to, when: e.when ?? null })) },
    valid: checked.valid,
    problems: checked.problems,
    questions: checked.questions,
  };
}
