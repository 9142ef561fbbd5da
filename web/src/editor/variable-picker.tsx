import type { Definition, JsonSchema, Service } from '../api/types.ts';
import { findComponent } from '../lib/catalog.ts';

interface Variable {
  label: string;
  template: string;
}

function fieldsOf(schema: JsonSchema | undefined, prefix: string, depth = 0): Variable[] {
  const out: Variable[] = [];
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const path = `${prefix}.${name}`;
    out.push({ label: path, template: `{{ ${path} }}` });
    if (depth < 1 && prop.properties) out.push(...fieldsOf(prop, path, depth + 1));
  }
  return out;
}

/** The keys that run before `key`: everything with a path to it. */
export function ancestorsOf(definition: Definition, key: string): string[] {
  const seen = new Set<string>();
  const stack = [key];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const edge of definition.edges) {
      if (edge.to === current && !seen.has(edge.from)) {
        seen.add(edge.from);
        stack.push(edge.from);
      }
    }
  }
  return [...seen];
}

/** Inserts `{{ trigger.x }}` / `{{ steps.key.x }}` from the output schemas of the nodes that run earlier. */
export function VariablePicker(props: {
  definition: Definition;
  nodeKey: string;
  services: Service[];
  focusedField: string | null;
  onInsert: (template: string) => void;
}) {
  const groups: { title: string; variables: Variable[] }[] = [];
  const ancestors = new Set(ancestorsOf(props.definition, props.nodeKey));
  const trigger = props.definition.trigger;
  if (trigger && trigger.key !== props.nodeKey) {
    const { component } = findComponent(props.services, trigger.service, trigger.component);
    groups.push({
      title: `Trigger (${component?.name ?? trigger.component})`,
      variables: fieldsOf(component?.outputSchema, 'trigger'),
    });
  }
  for (const node of props.definition.nodes) {
    if (!ancestors.has(node.key) || node.key === trigger?.key) continue;
    const { component } = findComponent(props.services, node.service, node.component);
    groups.push({
      title: node.label || component?.name || node.key,
      variables: fieldsOf(component?.outputSchema, `steps.${node.key}`),
    });
  }
  const usable = groups.filter((g) => g.variables.length > 0);
  return (
    <details className="picker">
      <summary>Insert a value from an earlier step</summary>
      {usable.length === 0 ? <p className="muted small">Nothing runs before this node yet.</p> : null}
      {!props.focusedField && usable.length > 0 ? (
        <p className="muted small">Click into a text field first, then pick a value.</p>
      ) : null}
      {usable.map((group) => (
        <div key={group.title} className="picker-group">
          <h4>{group.title}</h4>
          <div className="picker-items">
            {group.variables.map((v) => (
              <button
                key={v.template}
                type="button"
                className="chip chip-button"
                disabled={!props.focusedField}
                onClick={() => props.onInsert(v.template)}
                aria-label={`Insert ${v.label}`}
              >
                {v.label}
              </button>
            ))}
          </div>
        </div>
      ))}
    </details>
  );
}
