import { useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { Run, Workflow } from '../api/types.ts';
import {
  Button,
  Card,
  EmptyState,
  ErrorNotice,
  Field,
  Loading,
  PageHeader,
  StatusBadge,
} from '../components/ui.tsx';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useApi } from '../lib/use-api.ts';

const ACTIVE = new Set(['pending', 'running', 'waiting']);

export function RunsPage() {
  const { query } = useLocation();
  const workflowId = query.get('workflowId') ?? '';
  const status = query.get('status') ?? '';
  const since = query.get('since') ?? '';
  const [cursor, setCursor] = useState<string | null>(null);
  const runs = useApi(
    (signal) =>
      api<Page<Run>>('GET', '/executions', {
        signal,
        query: {
          workflowId,
          status,
          from: since ? new Date(Date.now() - Number(since) * 3_600_000).toISOString() : undefined,
          limit: 50,
          cursor,
        },
      }),
    [workflowId, status, since, cursor],
    { pollMs: 3000, poll: (page) => page.items.some((r) => ACTIVE.has(r.status)) },
  );
  const workflows = useApi(
    (signal) => api<Page<Workflow>>('GET', '/workflows', { signal, query: { limit: 100 } }),
    [],
  );
  const nameOf = (run: Run) =>
    run.workflowName ??
    run.workflow?.name ??
    workflows.data?.items.find((w) => w.id === run.workflowId)?.name ??
    'Workflow';
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    setCursor(null);
    navigate(`/runs${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  return (
    <>
      <PageHeader
        title="Runs"
        subtitle="Every time a workflow ran, newest first. Running ones update by themselves."
      />
      <div className="filters">
        <Field label="Workflow">
          {(id) => (
            <select id={id} value={workflowId} onChange={(e) => setFilter('workflowId', e.target.value)}>
              <option value="">All workflows</option>
              {(workflows.data?.items ?? []).map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select id={id} value={status} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">Any status</option>
              {['pending', 'running', 'waiting', 'success', 'failed', 'cancelled', 'skipped'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Started">
          {(id) => (
            <select id={id} value={since} onChange={(e) => setFilter('since', e.target.value)}>
              <option value="">Any time</option>
              <option value="1">In the last hour</option>
              <option value="24">In the last 24 hours</option>
              <option value="168">In the last 7 days</option>
              <option value="720">In the last 30 days</option>
            </select>
          )}
        </Field>
      </div>
      <Card>
        {runs.loading && !runs.data ? <Loading /> : null}
        <ErrorNotice error={runs.error} what="Run history" onRetry={runs.reload} />
        {runs.data?.items.length === 0 ? (
          <EmptyState
            title="No runs yet"
            action={<Button onClick={() => navigate('/workflows')}>Go to workflows</Button>}
          >
            Activate a workflow, or use “Run now” in the editor, and its runs appear here.
          </EmptyState>
        ) : null}
        {runs.data && runs.data.items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to={`/runs/${run.id}`} className="strong-link">
                      {nameOf(run)}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{formatDateTime(run.startedAt ?? run.createdAt)}</td>
                  <td>{formatDuration(run.durationMs)}</td>
                  <td className="cell-error">{run.errorMessage ?? run.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {runs.data?.nextCursor ? (
          <div className="row row-end">
            <Button onClick={() => setCursor(runs.data?.nextCursor ?? null)}>Older runs</Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}
