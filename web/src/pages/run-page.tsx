import { useCallback, useState } from 'react';
import { api } from '../api/client.ts';
import type { Definition, Run, Step, Workflow, WorkflowVersion } from '../api/types.ts';
import { GraphView } from '../components/graph-view.tsx';
import {
  Button,
  Card,
  ErrorNotice,
  Json,
  Loading,
  PageHeader,
  StatusBadge,
  Tabs,
} from '../components/ui.tsx';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { definitionOf } from '../lib/graph.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';

const ACTIVE = new Set(['pending', 'running', 'waiting']);

function errorText(error: Step['error']): string | undefined {
  if (!error) return undefined;
  return typeof error === 'string' ? error : (error.message ?? JSON.stringify(error));
}

/** The definition the run ran: its pinned version when the API has it, else the workflow's current graph. */
async function definitionFor(run: Run): Promise<Definition | undefined> {
  if (run.definition) return definitionOf(run.definition);
  if (run.workflowVersion) {
    try {
      const version = await api<WorkflowVersion>(
        'GET',
        `/workflows/${run.workflowId}/versions/${run.workflowVersion}`,
      );
      if (version.definition) return definitionOf(version.definition);
    } catch {
      // Fall back to the current graph below.
    }
  }
  try {
    return definitionOf(await api<Workflow>('GET', `/workflows/${run.workflowId}`));
  } catch {
    return undefined;
  }
}

function StepDetail(props: { step: Step; run: Run }) {
  const [tab, setTab] = useState<'output' | 'input' | 'logs'>('output');
  const { step, run } = props;
  const logs = (run.logs ?? []).filter((l) => l.nodeKey === step.nodeKey);
  const error = errorText(step.error);
  return (
    <Card
      title={
        <>
          <code>{step.nodeKey}</code> <StatusBadge status={step.status} />
        </>
      }
      className="step-detail"
    >
      <dl className="facts facts-inline">
        <dt>Attempts</dt>
        <dd>{step.attemptCount ?? step.attempt ?? 1}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(step.durationMs)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(step.startedAt)}</dd>
      </dl>
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
      <Tabs
        tabs={[
          { id: 'output', label: 'Output' },
          { id: 'input', label: 'Input' },
          { id: 'logs', label: `Logs (${logs.length})` },
        ]}
        value={tab}
        onChange={setTab}
      />
      {tab === 'output' ? <Json value={step.output} label={`Output of ${step.nodeKey}`} /> : null}
      {tab === 'input' ? <Json value={step.input} label={`Input of ${step.nodeKey}`} /> : null}
      {tab === 'logs' ? (
        logs.length === 0 ? (
          <p className="muted">No log lines for this step.</p>
        ) : (
          <ul className="logs">
            {logs.map((line, i) => (
              <li key={line.id ?? i} className={`log log-${line.level}`}>
                <span className="log-level">{line.level}</span> {line.message}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </Card>
  );
}

export function RunPage(props: { id: string }) {
  const run = useApi((signal) => api<Run>('GET', `/executions/${props.id}`, { signal }), [props.id], {
    pollMs: 1000,
    poll: (r) => ACTIVE.has(r.status),
  });
  const workflowId = run.data?.workflowId;
  const version = run.data?.workflowVersion;
  const definition = useApi(
    async () => (run.data ? definitionFor(run.data) : undefined),
    [workflowId, version, Boolean(run.data?.definition)],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const steps = run.data?.steps ?? [];
  const active = ACTIVE.has(run.data?.status ?? '');
  const decorate = useCallback(
    (key: string) => {
      const def = definition.data;
      const statusOf = (k: string): string | undefined =>
        steps.find((s) => s.nodeKey === k)?.status ?? (k === def?.trigger?.key ? 'success' : undefined);
      const own = statusOf(key);
      if (own || !active || !def) return { status: own };
      // Steps are recorded when they end: a step whose inputs all succeeded is the one running now.
      const inputs = def.edges.filter((e) => e.to === key).map((e) => statusOf(e.from));
      return { status: inputs.length > 0 && inputs.every((s) => s === 'success') ? 'running' : undefined };
    },
    [steps, definition.data, active],
  );
  const retry = useAction(async () => {
    const next = await api<{ executionId: string }>('POST', `/executions/${props.id}/retry`);
    navigate(`/runs/${next.executionId}`);
  });
  const rerun = useAction(async () => {
    const next = await api<{ executionId: string }>('POST', `/executions/${props.id}/rerun`);
    navigate(`/runs/${next.executionId}`);
  });
  const cancel = useAction(async () => {
    await api('POST', `/executions/${props.id}/cancel`);
    run.reload();
  });

  if (run.loading && !run.data) return <Loading />;
  if (!run.data) return <ErrorNotice error={run.error} what="Run details" onRetry={run.reload} />;
  const r = run.data;
  const shown = selected ? steps.filter((s) => s.nodeKey === selected) : steps;
  const name = r.workflowName ?? r.workflow?.name ?? definition.data?.name ?? 'Run';
  return (
    <>
      <PageHeader
        title={name}
        subtitle={
          <>
            <StatusBadge status={r.status} /> Run <code>{r.id.slice(-8)}</code> · started{' '}
            {formatDateTime(r.startedAt ?? r.createdAt)} · {formatDuration(r.durationMs)} ·{' '}
            <Link to={`/workflows/${r.workflowId}`}>open workflow</Link>
          </>
        }
        actions={
          <>
            {ACTIVE.has(r.status) ? (
              <Button variant="danger" pending={cancel.pending} onClick={() => void cancel.run()}>
                Cancel run
              </Button>
            ) : (
              <>
                {r.status === 'failed' ? (
                  <Button pending={rerun.pending} onClick={() => void rerun.run()}>
                    Re-run from the failed step
                  </Button>
                ) : null}
                <Button pending={retry.pending} onClick={() => void retry.run()}>
                  Retry with the same input
                </Button>
              </>
            )}
          </>
        }
      />
      <ErrorNotice error={retry.error ?? rerun.error ?? cancel.error} />
      {r.errorMessage || r.error ? (
        <div className="notice notice-error" role="alert">
          {r.errorNodeKey ? (
            <>
              <code>{r.errorNodeKey}</code>:{' '}
            </>
          ) : null}
          {r.errorMessage ?? r.error}
        </div>
      ) : null}
      <div className="run-layout">
        <div>
          <Card title="Graph">
            {definition.data ? (
              <GraphView
                definition={definition.data}
                decorate={decorate}
                onSelect={(key) => setSelected(key === selected ? null : key)}
              />
            ) : (
              <p className="muted">The graph of this run is not available.</p>
            )}
          </Card>
          <Card title="Trigger data">
            <Json value={r.triggerData} label="Trigger data" />
          </Card>
          {r.output !== undefined ? (
            <Card title="Run output">
              <Json value={r.output} label="Run output" />
            </Card>
          ) : null}
        </div>
        <div className="steps-col">
          <div className="row">
            <h2 className="h-section">Steps</h2>
            {selected ? (
              <Button variant="ghost" onClick={() => setSelected(null)}>
                Show all steps
              </Button>
            ) : null}
          </div>
          {shown.length === 0 ? (
            <p className="muted">
              {ACTIVE.has(r.status) ? 'Steps appear here as they finish.' : 'No steps ran.'}
            </p>
          ) : null}
          {shown.map((step) => (
            <StepDetail key={`${step.nodeKey}-${step.id ?? ''}`} step={step} run={r} />
          ))}
          {(r.logs ?? []).some((l) => !l.nodeKey) ? (
            <Card title="Run log">
              <ul className="logs">
                {(r.logs ?? [])
                  .filter((l) => !l.nodeKey)
                  .map((line, i) => (
                    <li key={line.id ?? i} className={`log log-${line.level}`}>
                      <span className="log-level">{line.level}</span> {line.message}
                    </li>
                  ))}
              </ul>
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
