import { api, type Page } from '../api/client.ts';
import type { Run, User, Workflow } from '../api/types.ts';
import { RunChart } from '../components/run-chart.tsx';
import { Button, Card, EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useAuth } from '../lib/auth.tsx';
import { formatDuration, formatPercent, formatRelative } from '../lib/format.ts';
import { getPreference } from '../lib/preferences.ts';
import { Link, navigate } from '../lib/router.tsx';
import { runStats } from '../lib/run-stats.ts';
import { useApi } from '../lib/use-api.ts';
import { DASHBOARD_DAYS_KEY } from './profile-page.tsx';

const MAX_PAGES = 10;

/** Runs since `since`, newest first, page by page (bounded: the dashboard is a summary). */
async function recentRuns(since: Date, signal: AbortSignal): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: Page<Run> = await api<Page<Run>>('GET', '/executions', {
      signal,
      query: { limit: 100, cursor, from: since.toISOString() },
    });
    runs.push(...answer.items);
    const last = answer.items.at(-1);
    if (!answer.nextCursor || !last || new Date(last.createdAt ?? 0) < since) break;
    cursor = answer.nextCursor;
  }
  return runs;
}

export function DashboardPage() {
  const { user: signedIn } = useAuth();
  // Credits change with every run: read them fresh rather than from sign-in.
  const me = useApi((signal) => api<User>('GET', '/me', { signal }), []);
  const user = me.data ?? signedIn;
  const range = useApi(async (signal) => {
    const days = await getPreference<unknown>(DASHBOARD_DAYS_KEY, 14, signal).catch(() => 14);
    return typeof days === 'number' && days > 0 && days <= 90 ? days : 14;
  }, []);
  const dayCount = range.data ?? 14;
  const runs = useApi(
    (signal) =>
      range.data
        ? recentRuns(new Date(Date.now() - dayCount * 86_400_000), signal)
        : Promise.resolve(undefined),
    [range.data],
    { pollMs: 5000, poll: () => true },
  );
  const workflows = useApi(
    (signal) => api<Page<Workflow>>('GET', '/workflows', { signal, query: { limit: 100 } }),
    [],
  );
  const nameOf = (id: string) => workflows.data?.items.find((w) => w.id === id)?.name ?? 'Workflow';
  const stats = runs.data ? runStats(runs.data, dayCount, nameOf) : undefined;
  const active = (workflows.data?.items ?? []).filter((w) => w.status === 'active').length;

  return (
    <>
      <PageHeader
        title={`Hello${user?.name ? `, ${user.name}` : ''}`}
        subtitle={`What ran in the last ${dayCount} days.`}
        actions={
          <Button variant="primary" onClick={() => navigate('/templates')}>
            New from a template
          </Button>
        }
      />
      <div className="stats">
        <Card className="stat">
          <span className="stat-label">Runs</span>
          <span className="stat-value" data-testid="stat-runs">
            {stats?.total ?? '—'}
          </span>
        </Card>
        <Card className="stat">
          <span className="stat-label">Success rate</span>
          <span className="stat-value" data-testid="stat-success-rate">
            {stats && stats.finished > 0 ? formatPercent(stats.succeeded / stats.finished) : '—'}
          </span>
        </Card>
        <Card className="stat">
          <span className="stat-label">Active workflows</span>
          <span className="stat-value">{workflows.data ? active : '—'}</span>
        </Card>
        <Card className="stat">
          <span className="stat-label">Credits used</span>
          <span className="stat-value">
            {user?.creditsUsed ?? 0}
            {user?.creditsLimit ? <small> / {user.creditsLimit}</small> : null}
          </span>
          {user?.creditsLimit ? (
            <progress max={user.creditsLimit} value={user.creditsUsed ?? 0} aria-label="Credits used" />
          ) : null}
        </Card>
      </div>
      <Card title="Runs per day">
        {runs.loading && !runs.data ? <Loading /> : null}
        <ErrorNotice error={runs.error} what="Run history" onRetry={runs.reload} />
        {stats ? <RunChart days={stats.days} /> : null}
        {stats && stats.total === 0 ? (
          <EmptyState
            title="No runs in this period"
            action={<Button onClick={() => navigate('/workflows')}>Open workflows</Button>}
          >
            Activate a workflow or run one by hand; its runs are counted here.
          </EmptyState>
        ) : null}
      </Card>
      <div className="grid-3">
        <Card title="Recent failures">
          {stats?.recentFailures.length ? (
            <ul className="list">
              {stats.recentFailures.map((run) => (
                <li key={run.id}>
                  <Link to={`/runs/${run.id}`}>{run.workflowName ?? nameOf(run.workflowId)}</Link>
                  <span className="muted small"> {formatRelative(run.startedAt ?? run.createdAt)}</span>
                  <div className="cell-error">{run.errorMessage ?? run.error}</div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No failures. Nice.</p>
          )}
        </Card>
        <Card title="Most failing workflows">
          {stats?.failing.length ? (
            <ul className="list">
              {stats.failing.map((s) => (
                <li key={s.workflowId}>
                  <Link to={`/runs?workflowId=${s.workflowId}&status=failed`}>{s.name}</Link>
                  <span className="muted small">
                    {' '}
                    {s.failed} of {s.runs} failed
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Nothing failing.</p>
          )}
        </Card>
        <Card title="Slowest workflows">
          {stats?.slowest.length ? (
            <ul className="list">
              {stats.slowest.map((s) => (
                <li key={s.workflowId}>
                  <Link to={`/workflows/${s.workflowId}`}>{s.name}</Link>
                  <span className="muted small"> {formatDuration(s.averageMs)} on average</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No finished runs yet.</p>
          )}
        </Card>
      </div>
    </>
  );
}
