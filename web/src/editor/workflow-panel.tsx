import { useState } from 'react';
import type { FieldProblem } from '../api/client.ts';
import type { Definition } from '../api/types.ts';
import { Field } from '../components/ui.tsx';

/** The side panel when nothing is selected: the workflow's description and tags, and problems of the whole. */
export function WorkflowPanel(props: {
  definition: Definition;
  problems: FieldProblem[];
  onChange: (definition: Definition) => void;
}) {
  const [tags, setTags] = useState((props.definition.tags ?? []).join(', '));
  return (
    <aside className="node-panel" aria-label="Workflow settings">
      <h2 className="panel-title">Workflow</h2>
      <p className="muted small">
        Select a node to edit its parameters. Drag from a node's right edge to another node to connect them;
        select a connection to make it a branch or an error path.
      </p>
      {props.problems.length > 0 ? (
        <div className="notice notice-error" role="alert">
          <ul>
            {props.problems.map((p) => (
              <li key={p.path + p.message}>
                <code>{p.path}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Field label="Description">
        {(id) => (
          <textarea
            id={id}
            rows={3}
            value={props.definition.description ?? ''}
            onChange={(e) => {
              const { description: _old, ...rest } = props.definition;
              props.onChange(e.target.value ? { ...rest, description: e.target.value } : rest);
            }}
          />
        )}
      </Field>
      <Field label="Tags" hint="Separated by commas.">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            value={tags}
            onChange={(e) => {
              setTags(e.target.value);
              const list = [
                ...new Set(
                  e.target.value
                    .split(',')
                    .map((t) => t.trim())
                    .filter(Boolean),
                ),
              ];
              props.onChange({ ...props.definition, tags: list });
            }}
          />
        )}
      </Field>
    </aside>
  );
}
