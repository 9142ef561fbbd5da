import type { DefinitionEdge } from '../api/types.ts';
import { Button, Field } from '../components/ui.tsx';

const WHEN: { value: '' | NonNullable<DefinitionEdge['when']>; label: string }[] = [
  { value: '', label: 'After the step succeeds' },
  { value: 'true', label: 'When the condition is true' },
  { value: 'false', label: 'When the condition is false' },
  { value: 'error', label: 'When the step fails' },
];

/** The side panel of a selected connection: when it is followed, or remove it. */
export function EdgePanel(props: {
  edge: DefinitionEdge;
  onChange: (edge: DefinitionEdge) => void;
  onDelete: () => void;
}) {
  const { edge } = props;
  return (
    <aside className="node-panel" aria-label="Connection settings">
      <div className="panel-head">
        <div>
          <p className="panel-kicker">Connection</p>
          <h2 className="panel-title">
            <code>{edge.from}</code> → <code>{edge.to}</code>
          </h2>
        </div>
        <Button variant="ghost" onClick={props.onDelete} aria-label="Remove this connection">
          Remove
        </Button>
      </div>
      <Field
        label="Follow it"
        hint="Branches of a condition use true and false; an error path catches a failed step."
      >
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            value={edge.when ?? ''}
            onChange={(e) => {
              const { when: _old, ...rest } = edge;
              const when = e.target.value as DefinitionEdge['when'] | '';
              props.onChange(when ? { ...rest, when } : rest);
            }}
          >
            {WHEN.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </aside>
  );
}
