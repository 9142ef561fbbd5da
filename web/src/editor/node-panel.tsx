import { useState } from 'react';
import type { FieldProblem } from '../api/client.ts';
import type {
  Connection,
  Definition,
  DefinitionNode,
  DefinitionTrigger,
  JsonSchema,
  Service,
} from '../api/types.ts';
import { SchemaForm } from '../components/schema-form.tsx';
import { Button, Field } from '../components/ui.tsx';
import { findComponent } from '../lib/catalog.ts';
import { VariablePicker } from './variable-picker.tsx';

type AnyNode = DefinitionTrigger | DefinitionNode;

function setAt(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  const copy = { ...target };
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    node[part] = { ...((node[part] as Record<string, unknown>) ?? {}) };
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
  return copy;
}

function getAt(target: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], target);
}

/** Whether the step runs, and how often it is tried when it fails. */
function StepOptions(props: { node: DefinitionNode; onChange: (node: DefinitionNode) => void }) {
  const { node } = props;
  const attempts = node.retry?.maxAttempts ?? 1;
  return (
    <details className="picker">
      <summary>
        Run options{node.enabled === false ? ' · disabled' : ''}
        {attempts > 1 ? ` · ${attempts} attempts` : ''}
      </summary>
      <div className="form picker-body">
        <label className="check">
          <input
            type="checkbox"
            checked={node.enabled !== false}
            onChange={(e) => {
              const { enabled: _old, ...rest } = node;
              props.onChange(e.target.checked ? rest : { ...rest, enabled: false });
            }}
          />
          Run this step (a disabled step passes its input through)
        </label>
        <Field label="Attempts" hint="1 means no retry; failed attempts wait longer each time.">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={1}
              max={10}
              value={attempts}
              onChange={(e) => {
                const value = Math.min(10, Math.max(1, Number(e.target.value) || 1));
                const { retry: _old, ...rest } = node;
                props.onChange(
                  value > 1
                    ? { ...rest, retry: { maxAttempts: value, backoff: 'exponential', delayMs: 1000 } }
                    : rest,
                );
              }}
            />
          )}
        </Field>
      </div>
    </details>
  );
}

/** The side panel of the selected node: label, connection, and its parameters as a form from the JSON Schema. */
export function NodePanel(props: {
  definition: Definition;
  node: AnyNode;
  isTrigger: boolean;
  services: Service[];
  connections: Connection[];
  problems: FieldProblem[];
  onChange: (node: AnyNode) => void;
  onDelete: () => void;
}) {
  const { node } = props;
  const { service, component } = findComponent(props.services, node.service, node.component);
  const [focused, setFocused] = useState<string | null>(null);
  const configProblems = props.problems
    .filter((p) => p.path.startsWith('config.'))
    .map((p) => ({ ...p, path: p.path.slice('config.'.length) }));
  const otherProblems = props.problems.filter((p) => !p.path.startsWith('config.'));
  const usable = props.connections.filter((c) => (c.service ?? c.serviceKey) === node.service);
  const insert = (template: string) => {
    if (!focused) return;
    const current = getAt(node.config, focused);
    const text =
      typeof current === 'string'
        ? current
        : current === undefined || current === null
          ? ''
          : String(current);
    props.onChange({ ...node, config: setAt(node.config, focused, `${text}${template}`) });
  };
  return (
    <aside className="node-panel" aria-label="Node settings">
      <div className="panel-head">
        <div>
          <p className="panel-kicker">
            {props.isTrigger ? 'Trigger' : 'Step'} · {service?.name ?? node.service}
          </p>
          <h2 className="panel-title">{component?.name ?? node.component}</h2>
        </div>
        <Button variant="ghost" onClick={props.onDelete} aria-label="Remove this node">
          Remove
        </Button>
      </div>
      {component?.description ? <p className="muted small">{component.description}</p> : null}
      {otherProblems.length > 0 ? (
        <div className="notice notice-error" role="alert">
          <ul>
            {otherProblems.map((p) => (
              <li key={p.path + p.message}>
                <code>{p.path}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Field label="Label">
        {(id) => (
          <input
            id={id}
            value={node.label ?? ''}
            placeholder={component?.name}
            onChange={(e) => props.onChange({ ...node, label: e.target.value || undefined })}
          />
        )}
      </Field>
      <p className="muted small">
        Key <code>{node.key}</code>: later steps read its output as <code>{`{{ steps.${node.key}.… }}`}</code>
      </p>
      {component?.requiresConnection || (service?.requiresAuth && service.authType !== 'none') ? (
        <Field
          label={component?.requiresConnection ? 'Connection' : 'Connection (optional)'}
          error={props.problems.find((p) => p.path === 'connection')?.message}
        >
          {(id) => (
            <select
              id={id}
              value={node.connection ?? ''}
              onChange={(e) => props.onChange({ ...node, connection: e.target.value || undefined })}
            >
              <option value="">
                {usable.length ? 'Choose a connection' : 'No connection yet: add one on Connections'}
              </option>
              {usable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {props.isTrigger ? null : <StepOptions node={node as DefinitionNode} onChange={props.onChange} />}
      {props.isTrigger ? null : (
        <VariablePicker
          definition={props.definition}
          nodeKey={node.key}
          services={props.services}
          focusedField={focused}
          onInsert={insert}
        />
      )}
      <h3 className="h-section">Parameters</h3>
      {component?.configSchema && Object.keys(component.configSchema.properties ?? {}).length > 0 ? (
        <SchemaForm
          key={node.key}
          idPrefix={`cfg-${node.key}`}
          schema={component.configSchema as JsonSchema}
          formData={node.config}
          problems={configProblems}
          onFocusPath={setFocused}
          onChange={(config) => props.onChange({ ...node, config })}
        />
      ) : (
        <p className="muted small">This {props.isTrigger ? 'trigger' : 'step'} has no parameters.</p>
      )}
    </aside>
  );
}
