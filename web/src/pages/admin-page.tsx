import { useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { AuditEntry, StatusCheck, User } from '../api/types.ts';
import {
  Button,
  Card,
  EmptyState,
  ErrorNotice,
  Field,
  Json,
  Loading,
  PageHeader,
  StatusBadge,
  Tabs,
} from '../components/ui.tsx';
import { useAuth } from '../lib/auth.tsx';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { useAction, useApi } from '../lib/use-api.ts';

function hasContent(value: unknown): boolean {
  return (
    value !== null && value !== undefined && !(typeof value === 'object' && Object.keys(value).length === 0)
  );
}

function rolesOf(user: User): string[] {
  return user.roles ?? (user.isAdmin ? ['admin'] : ['member']);
}

function UsersTab() {
  const { user: me } = useAuth();
  const users = useApi(
    (signal) => api<Page<User>>('GET', '/admin/users', { signal, query: { limit: 100 } }),
    [],
  );
  const setActive = useAction(async (user: User, active: boolean) => {
    await api('POST', `/admin/users/${user.id}/${active ? 'activate' : 'deactivate'}`);
    users.reload();
  });
  const setAdmin = useAction(async (user: User, admin: boolean) => {
    await api(admin ? 'PUT' : 'DELETE', `/admin/users/${user.id}/roles/admin`);
    users.reload();
  });
  return (
    <Card>
      {users.loading && !users.data ? <Loading /> : null}
      <ErrorNotice error={users.error} what="User administration" onRetry={users.reload} />
      <ErrorNotice error={setActive.error ?? setAdmin.error} />
      {users.data?.items.length === 0 ? <EmptyState title="No users" /> : null}
      {users.data && users.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <tr key={u.id}>
                <td>
                  <strong>{u.name || u.username || u.email}</strong>
                  <div className="muted small">{u.email}</div>
                </td>
                <td>{rolesOf(u).join(', ')}</td>
                <td>
                  <StatusBadge status={u.isActive === false ? 'inactive' : 'active'} />
                </td>
                <td>{formatRelative(u.lastLoginAt)}</td>
                <td className="cell-actions">
                  {u.id === me?.id ? <span className="muted small">you</span> : null}
                  <Button
                    hidden={u.id === me?.id}
                    onClick={() => void setAdmin.run(u, !rolesOf(u).includes('admin'))}
                  >
                    {rolesOf(u).includes('admin') ? 'Remove admin' : 'Make admin'}
                  </Button>
                  <Button
                    hidden={u.id === me?.id}
                    variant={u.isActive === false ? 'secondary' : 'danger'}
                    onClick={() => void setActive.run(u, u.isActive === false)}
                  >
                    {u.isActive === false ? 'Reactivate' : 'Deactivate'}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}

function AuditTab() {
  const [action, setAction] = useState('');
  const [entityType, setEntityType] = useState('');
  const users = useApi(
    (signal) => api<Page<User>>('GET', '/admin/users', { signal, query: { limit: 100 } }),
    [],
  );
  const emailOf = (id: string) => users.data?.items.find((u) => u.id === id)?.email;
  const entries = useApi(
    (signal) =>
      api<Page<AuditEntry>>('GET', '/audit-logs', { signal, query: { action, entityType, limit: 100 } }),
    [action, entityType],
  );
  return (
    <>
      <div className="filters">
        <Field label="Action">
          {(id) => (
            <input
              id={id}
              type="search"
              placeholder="e.g. user.login"
              value={action}
              onChange={(e) => setAction(e.target.value)}
            />
          )}
        </Field>
        <Field label="Entity">
          {(id) => (
            <select id={id} value={entityType} onChange={(e) => setEntityType(e.target.value)}>
              <option value="">Any</option>
              {['user', 'workflow', 'connection', 'api_key', 'secret', 'execution'].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Card>
        {entries.loading && !entries.data ? <Loading /> : null}
        <ErrorNotice error={entries.error} what="The audit log" onRetry={entries.reload} />
        {entries.data?.items.length === 0 ? (
          <EmptyState title="No entries match">Change the filters.</EmptyState>
        ) : null}
        {entries.data && entries.data.items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt)}</td>
                  <td>{e.userId ? (emailOf(e.userId) ?? <code>{e.userId.slice(0, 8)}</code>) : 'system'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.entityType} <span className="muted small">{e.entityId?.slice(-8)}</span>
                  </td>
                  <td>
                    {hasContent(e.details) || hasContent(e.changes) ? (
                      <Json value={hasContent(e.details) ? e.details : e.changes} />
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </>
  );
}

function StatusTab() {
  const status = useApi(
    (signal) => api<{ checks: StatusCheck[]; status: string }>('GET', '/system/status', { signal }),
    [],
    { pollMs: 10_000, poll: () => true },
  );
  const checks = status.data?.checks ?? [];
  return (
    <Card
      title={
        status.data?.status ? (
          <>
            Overall <StatusBadge status={status.data.status} />
          </>
        ) : (
          'System status'
        )
      }
    >
      {status.loading && !status.data ? <Loading /> : null}
      <ErrorNotice error={status.error} what="System status" onRetry={status.reload} />
      {status.data && checks.length === 0 ? (
        <EmptyState title="No checks recorded yet">The health check writes here every minute.</EmptyState>
      ) : null}
      {checks.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Status</th>
              <th scope="col">Latency</th>
              <th scope="col">Message</th>
              <th scope="col">Checked</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr key={c.serviceName}>
                <td>{c.serviceName}</td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td>
                  {c.responseTimeMs === null || c.responseTimeMs === undefined
                    ? '—'
                    : `${c.responseTimeMs} ms`}
                </td>
                <td>{c.errorMessage}</td>
                <td>{formatRelative(c.checkedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}

export function AdminPage() {
  const [tab, setTab] = useState<'users' | 'audit' | 'status'>('users');
  return (
    <>
      <PageHeader title="Admin" subtitle="Users, the audit trail and the health of this Area." />
      <Tabs
        tabs={[
          { id: 'users', label: 'Users' },
          { id: 'audit', label: 'Audit log' },
          { id: 'status', label: 'System status' },
        ]}
        value={tab}
        onChange={setTab}
      />
      {tab === 'users' ? <UsersTab /> : null}
      {tab === 'audit' ? <AuditTab /> : null}
      {tab === 'status' ? <StatusTab /> : null}
    </>
  );
}
