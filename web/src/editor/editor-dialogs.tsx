import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Run, WorkflowVersion } from '../api/types.ts';
import { Modal } from '../components/modal.tsx';
import { Button, EmptyState, ErrorNotice, Field, Loading } from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';
import { navigate } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';

export function RunNowDialog(props: { workflowId: string; open: boolean; onClose: () => void }) {
  const [input, setInput] = useState('{\n  \n}');
  const [parseError, setParseError] = useState<string>();
  const run = useAction(async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input || '{}');
    } catch (error) {
      setParseError(`Not valid JSON: ${(error as Error).message}`);
      return;
    }
    setParseError(undefined);
    const answer = await api<Run & { execution?: Run; executionId?: string }>(
      'POST',
      `/workflows/${props.workflowId}/run`,
      {
        body: { input: parsed },
      },
    );
    const id = answer.executionId ?? answer.execution?.id ?? answer.id;
    navigate(`/runs/${id}`);
  });
  return (
    <Modal title="Run now" open={props.open} onClose={props.onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run.run();
        }}
      >
        <ErrorNotice error={run.error} what="Running by hand" />
        <Field
          label="Input (JSON)"
          hint="What the trigger hands to the steps as {{ trigger.… }}."
          error={parseError}
        >
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={8}
              className="mono"
              value={input}
              onChange={(e) => setInput(e.target.value)}
            />
          )}
        </Field>
        <div className="row row-end">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" pending={run.pending}>
            Run
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function VersionsDialog(props: {
  workflowId: string;
  open: boolean;
  onClose: () => void;
  onRestored: () => void;
}) {
  const versions = useApi(
    (signal) =>
      props.open
        ? api<{ items: WorkflowVersion[] } | WorkflowVersion[]>(
            'GET',
            `/workflows/${props.workflowId}/versions`,
            { signal },
          )
        : Promise.resolve(undefined),
    [props.open, props.workflowId],
  );
  const restore = useAction(async (version: number) => {
    await api('POST', `/workflows/${props.workflowId}/versions/${version}/restore`, { body: {} });
    props.onRestored();
    props.onClose();
  });
  const items = Array.isArray(versions.data) ? versions.data : (versions.data?.items ?? []);
  return (
    <Modal title="Version history" open={props.open} onClose={props.onClose}>
      {versions.loading ? <Loading /> : null}
      <ErrorNotice error={versions.error ?? restore.error} what="Version history" />
      {versions.data && items.length === 0 ? (
        <EmptyState title="No versions yet">
          Each activation publishes a version you can come back to.
        </EmptyState>
      ) : null}
      <ul className="list">
        {items.map((v) => (
          <li key={v.version} className="row row-between">
            <span>
              <strong>Version {v.version}</strong>{' '}
              <span className="muted small">{formatDateTime(v.createdAt ?? v.publishedAt)}</span>
            </span>
            <Button onClick={() => void restore.run(v.version)} pending={restore.pending}>
              Restore
            </Button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
