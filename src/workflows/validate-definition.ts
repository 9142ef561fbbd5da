import type { FieldProblem } from '../http/errors.ts';
import type { ComponentLookup, OwnedConnection } from './component-lookup.ts';
import type { ConfigChecker } from './config-checker.ts';
import { type DraftDefinition, nodeTypeOf } from './definition.ts';
import { analyzeGraph } from './graph.ts';
import { findTemplateReferences } from './template-references.ts';

export interface ValidationDeps {
  components: ComponentLookup;
  /** The owner's live connections by id. */
  connections: ReadonlyMap<string, OwnedConnection>;
  /** The owner's secret names; when given, `{{ secrets.NAME }}` must name one of them. */
  secrets?: ReadonlySet<string>;
  checker: ConfigChecker;
}

/**
 * `errors` stop the operation; `warnings` are what a draft may still lack.
 * In `publish` mode everything is an error. Problems the graph tables cannot hold
 * (duplicate keys, edges to unknown nodes, unknown components, someone else's connection)
 * are errors in both modes.
 */
export interface ValidationResult {
  ok: boolean;
  errors: FieldProblem[];
  warnings: FieldProblem[];
}

export type ValidationMode = 'draft' | 'publish';

interface Found extends FieldProblem {
  structural: boolean;
}

interface Step {
  path: string;
  key: string;
  isTrigger: boolean;
  type: string;
  service: string | undefined;
  component: string | undefined;
  connection: string | undefined;
  config: Record<string, unknown>;
}

function stepsOf(definition: DraftDefinition): Step[] {
  const steps: Step[] = [];
  const t = definition.trigger;
  if (t) {
    steps.push({
      path: 'trigger',
      key: t.key,
      isTrigger: true,
      type: 'trigger',
      service: t.service,
      component: t.component,
      connection: t.connection,
      config: t.config,
    });
  }
  definition.nodes.forEach((n, i) => {
    steps.push({
      path: `nodes[${i}]`,
      key: n.key,
      isTrigger: false,
      type: nodeTypeOf(n),
      service: n.service,
      component: n.component,
      connection: n.connection,
      config: n.config,
    });
  });
  return steps;
}

function checkSteps(steps: Step[], deps: ValidationDeps, found: Found[]): void {
  const seenKeys = new Map<string, string>();
  for (const step of steps) {
    const firstPath = seenKeys.get(step.key);
    if (firstPath) {
      found.push({
        path: `${step.path}.key`,
        rule: 'unique',
        message: `the key "${step.key}" is already used by ${firstPath}`,
        structural: true,
      });
    } else {
      seenKeys.set(step.key, step.path);
    }

    if (!step.service || !step.component) {
      if (step.service && !step.component) {
        found.push({
          path: `${step.path}.component`,
          rule: 'required',
          message: 'name a component of the service',
          structural: true,
        });
      } else if (!step.service && step.component) {
        found.push({
          path: `${step.path}.service`,
          rule: 'required',
          message: 'name the service of the component',
          structural: true,
        });
      } else if (step.type === 'action') {
        found.push({
          path: `${step.path}.component`,
          rule: 'required',
          message: 'choose what this step does',
          structural: false,
        });
      }
      continue;
    }
    const service = deps.components.service(step.service);
    if (!service) {
      found.push({
        path: `${step.path}.service`,
        rule: 'unknown_service',
        message: `no service "${step.service}"`,
        structural: true,
      });
      continue;
    }
    const component = deps.components.component(step.service, step.component);
    if (!component) {
      found.push({
        path: `${step.path}.component`,
        rule: 'unknown_component',
        message: `service "${step.service}" has no component "${step.component}"`,
        structural: true,
      });
      continue;
    }
    const wanted = step.isTrigger ? 'trigger' : 'action';
    if (component.kind !== wanted) {
      found.push({
        path: `${step.path}.component`,
        rule: 'component_kind',
        message: `"${step.service}.${step.component}" is ${component.kind === 'trigger' ? 'a trigger' : 'an action'}, not ${wanted === 'trigger' ? 'a trigger' : 'an action'}`,
        structural: false,
      });
    }
    if (!step.isTrigger && step.type !== 'action' && component.flow !== step.type) {
      found.push({
        path: `${step.path}.type`,
        rule: 'node_type',
        message: `"${step.service}.${step.component}" cannot be a ${step.type} node`,
        structural: false,
      });
    }
    for (const problem of deps.checker.check(component.configSchema, step.config, `${step.path}.config`)) {
      found.push({ ...problem, structural: false });
    }
    if (step.connection) {
      const connection = deps.connections.get(step.connection);
      if (!connection) {
        found.push({
          path: `${step.path}.connection`,
          rule: 'connection_not_found',
          message: 'connection not found',
          structural: true,
        });
      } else if (connection.serviceKey !== step.service) {
        found.push({
          path: `${step.path}.connection`,
          rule: 'connection_service',
          message: `the connection is for "${connection.serviceKey}", not "${step.service}"`,
          structural: false,
        });
      }
    } else if (component.requiresConnection) {
      found.push({
        path: `${step.path}.connection`,
        rule: 'connection_required',
        message: `choose a connection of service "${step.service}"`,
        structural: false,
      });
    }
  }
}

function checkGraph(
  definition: DraftDefinition,
  steps: Step[],
  found: Found[],
  secrets: ReadonlySet<string> | undefined,
): void {
  const graph = analyzeGraph(definition);
  const pathOfKey = new Map(steps.map((s) => [s.key, s.path]));
  const typeOfKey = new Map(steps.map((s) => [s.key, s.type]));

  for (const d of graph.danglingEdges) {
    found.push({
      path: `edges[${d.index}].${d.end}`,
      rule: 'unknown_node',
      message: `no node "${d.key}"`,
      structural: true,
    });
  }
  const seenEdges = new Set<string>();
  definition.edges.forEach((edge, i) => {
    if (edge.from === edge.to) {
      found.push({
        path: `edges[${i}]`,
        rule: 'self_loop',
        message: 'an edge cannot lead a node to itself',
        structural: true,
      });
    }
    const id = `${edge.from}>${edge.to}>${edge.when ?? ''}`;
    if (seenEdges.has(id)) {
      found.push({
        path: `edges[${i}]`,
        rule: 'duplicate',
        message: 'the same edge is listed twice',
        structural: true,
      });
    }
    seenEdges.add(id);
    if (definition.trigger && edge.to === definition.trigger.key) {
      found.push({
        path: `edges[${i}].to`,
        rule: 'trigger_target',
        message: 'nothing runs before the trigger',
        structural: false,
      });
    }
    if (
      (edge.when === 'true' || edge.when === 'false') &&
      typeOfKey.has(edge.from) &&
      typeOfKey.get(edge.from) !== 'condition'
    ) {
      found.push({
        path: `edges[${i}].when`,
        rule: 'branch_source',
        message: `only a condition node has "${edge.when}" branches; "${edge.from}" is not one`,
        structural: false,
      });
    }
  });
  for (const cycle of graph.cycles) {
    const last = cycle[cycle.length - 2];
    const first = cycle[cycle.length - 1];
    const index = definition.edges.findIndex((e) => e.from === last && e.to === first);
    found.push({
      path: index >= 0 ? `edges[${index}]` : (pathOfKey.get(first ?? '') ?? 'edges'),
      rule: 'cycle',
      message: `the steps form a loop: ${cycle.join(' -> ')}`,
      structural: false,
    });
  }
  if (definition.trigger) {
    for (const key of graph.unreachable) {
      found.push({
        path: pathOfKey.get(key) ?? 'nodes',
        rule: 'unreachable',
        message: `no path from the trigger reaches "${key}"`,
        structural: false,
      });
    }
  }

  // A template may read the trigger and the steps that always ran before the node holding it.
  for (const step of steps) {
    const before = graph.ancestors.get(step.key) ?? new Set<string>();
    for (const ref of findTemplateReferences(step.config, `${step.path}.config`)) {
      if (ref.kind === 'step') {
        if (!before.has(ref.node)) {
          found.push({
            path: ref.path,
            rule: 'template_order',
            message: pathOfKey.has(ref.node)
              ? `"{{ ${ref.expression} }}" names "${ref.node}", which does not run before "${step.key}"`
              : `"{{ ${ref.expression} }}" names "${ref.node}", which is not a node of this workflow`,
            structural: false,
          });
        }
      } else if (ref.kind === 'secret' && secrets && !secrets.has(ref.name)) {
        found.push({
          path: ref.path,
          rule: 'unknown_secret',
          message: `there is no secret named "${ref.name}"`,
          structural: false,
        });
      } else if (step.isTrigger && (ref.kind === 'trigger' || ref.kind === 'variable')) {
        found.push({
          path: ref.path,
          rule: 'template_order',
          message: `"{{ ${ref.expression} }}" reads the trigger's output, which does not exist yet when the trigger is set up`,
          structural: false,
        });
      }
    }
  }
}

/** Every problem of a definition at once, each with its path. */
/** A trigger answering with a step's output (webhooks) must name a step of this workflow. */
function checkResponseStep(definition: DraftDefinition, found: Found[]): void {
  const config = (definition.trigger?.config ?? {}) as Record<string, unknown>;
  if (config['respondWith'] !== 'step_output') return;
  const key = config['responseStep'];
  if (typeof key === 'string' && definition.nodes.some((n) => n.key === key)) return;
  found.push({
    path: 'trigger.config.responseStep',
    rule: 'unknown_node',
    message: key ? `no step "${String(key)}" to answer with` : 'name the step whose output is the answer',
    structural: false,
  });
}

export function validateDefinition(
  definition: DraftDefinition,
  deps: ValidationDeps,
  mode: ValidationMode,
): ValidationResult {
  const found: Found[] = [];
  if (!definition.trigger) {
    found.push({
      path: 'trigger',
      rule: 'required',
      message: 'a workflow starts with a trigger',
      structural: false,
    });
  } else if (definition.trigger.enabled === false) {
    found.push({
      path: 'trigger.enabled',
      rule: 'disabled_trigger',
      message: 'the trigger is disabled: nothing would start this workflow',
      structural: false,
    });
  }
  const steps = stepsOf(definition);
  checkSteps(steps, deps, found);
  checkGraph(definition, steps, found, deps.secrets);
  checkResponseStep(definition, found);

  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  for (const { structural, ...problem } of found) {
    if (structural || mode === 'publish') errors.push(problem);
    else warnings.push(problem);
  }
  return { ok: errors.length === 0, errors, warnings };
}
