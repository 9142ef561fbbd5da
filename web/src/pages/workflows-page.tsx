import { useRef, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { Workflow } from '../api/types.ts';
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
import { formatRelative } from '../lib/format.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';

export function WorkflowsPage() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useApi(
    (signal) =>
      api<Page<Workflow>>('GET', '/workflows', { signal, query: { q: search, status, limit: 50, cursor } }),
    [search, status, cursor],
  );
  const create = useAction(async () => {
    const workflow = await api<Workflow>('POST', '/workflows', { body: { name: 'Untitled workflow' } });
    navigate(`/workflows/${workflow.id}`);
  });
  const file = useRef<HTMLInputElement>(null);
  const importFile = useAction(async (chosen: File) => {
    const body = JSON.parse(await chosen.text()) as unknown;
    const workflow = await api<Workflow & { workflow?: Workflow }>('POST', '/workflows/import', { body });
    navigate(`/workflows/${(workflow.workflow ?? workflow).id}`);
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Workflows"
        subtitle="A trigger and the steps it runs. Activate a workflow to have it run by itself."
        actions={
          <>
            <input
              ref={file}
              type="file"
              accept="application/json,.json"
              className="sr-only"
              aria-label="Import a workflow from a JSON file"
              onChange={(e) => {
                const chosen = e.target.files?.[0];
                if (chosen) void importFile.run(chosen);
                e.target.value = '';
              }}
            />
            <Button onClick={() => file.current?.click()} pending={importFile.pending}>
              Import JSON
            </Button>
            <Button variant="primary" onClick={() => void create.run()} pending={create.pending}>
              New workflow
            </Button>
          </>
        }
      />
      <ErrorNotice error={create.error ?? importFile.error} what="Creating workflows" />
      <div className="filters">
        <Field label="Search">
          {(id) => (
            <input
              id={id}
              type="search"
              placeholder="Name or tag"
              value={search}
              onChange={(e) => {
                setCursor(null);
                setSearch(e.target.value);
              }}
            />
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select
              id={id}
              value={status}
              onChange={(e) => {
                setCursor(null);
                setStatus(e.target.value);
              }}
            >
              <option value="">Any status</option>
              <option value="draft">Draft</option>
              <option value="active">Active</option>
              <option value="paused">Paused</option>
              <option value="archived">Archived</option>
            </select>
          )}
        </Field>
      </div>
      <Card>
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorNotice error={list.error} what="Workflows" onRetry={list.reload} />
        {list.data && items.length === 0 ? (
          <EmptyState
            title={search || status ? 'No workflow matches' : 'No workflows yet'}
            action={
              <div className="row">
                <Button variant="primary" onClick={() => navigate('/templates')}>
                  Start from a template
                </Button>
                <Button onClick={() => void create.run()}>Blank workflow</Button>
              </div>
            }
          >
            {search || status
              ? 'Try another search.'
              : 'Pick a template to start quickly, or build one from scratch.'}
          </EmptyState>
        ) : null}
        {items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Tags</th>
                <th scope="col">Runs</th>
                <th scope="col">Last run</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/workflows/${w.id}`} className="strong-link">
                      {w.name}
                    </Link>
                    {w.description ? <div className="muted small">{w.description}</div> : null}
                  </td>
                  <td>
                    <StatusBadge status={w.status} />
                  </td>
                  <td>
                    {(w.tags ?? []).map((t) => (
                      <span key={t} className="chip chip-quiet">
                        {t}
                      </span>
                    ))}
                  </td>
                  <td>
                    <Link to={`/runs?workflowId=${w.id}`}>{w.triggeredCount ?? 0}</Link>
                  </td>
                  <td>{formatRelative(w.lastTriggeredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {list.data?.nextCursor ? (
          <div className="row row-end">
            <Button onClick={() => setCursor(list.data?.nextCursor ?? null)}>Next page</Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}
