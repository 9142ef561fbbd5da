import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { ApiKey } from '../api/types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Modal } from '../components/modal.tsx';
import { Button, Card, EmptyState, ErrorNotice, Field, Loading, PageHeader } from '../components/ui.tsx';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { problemAt } from '../lib/problems.ts';
import { useAction, useApi } from '../lib/use-api.ts';

const SCOPES = [
  'workflows:read',
  'workflows:write',
  'executions:read',
  'executions:write',
  'connections:read',
  'connections:write',
];

export function ApiKeysPage() {
  const keys = useApi((signal) => api<Page<ApiKey>>('GET', '/api-keys', { signal }), []);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['workflows:read', 'executions:read']);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const create = useAction(async () => {
    const key = await api<ApiKey & { apiKey?: ApiKey }>('POST', '/api-keys', { body: { name, scopes } });
    setCreated({ ...(key.apiKey ?? key), key: key.key ?? (key as { token?: string }).token ?? '' });
    setOpen(false);
    setName('');
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api('DELETE', `/api-keys/${id}`);
    if (created?.id === id) setCreated(null);
    keys.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const missing = keys.error?.isMissing;

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle="Keys let scripts and other tools call the Area API as you, limited to the scopes you choose."
        actions={
          <Button variant="primary" onClick={() => setOpen(true)} disabled={missing}>
            New API key
          </Button>
        }
      />
      {created ? (
        <div className="notice notice-good" role="status">
          <strong>Copy your new key now: it will not be shown again.</strong>
          <div className="copy-row">
            <code className="secret-value">{created.key}</code>
            <CopyButton text={created.key ?? ''} />
          </div>
        </div>
      ) : null}
      <Card>
        {keys.loading && !keys.data ? <Loading /> : null}
        <ErrorNotice error={keys.error} what="API keys" onRetry={keys.reload} />
        <ErrorNotice error={revoke.error} />
        {keys.data && keys.data.items.length === 0 ? (
          <EmptyState
            title="No API keys yet"
            action={<Button onClick={() => setOpen(true)}>Create a key</Button>}
          >
            Create one to call the API from a script: send it as <code>Authorization: Bearer area_…</code>.
          </EmptyState>
        ) : null}
        {keys.data && keys.data.items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.keyPrefix ?? key.prefix}…</code>
                  </td>
                  <td>{(key.scopes ?? key.permissions ?? []).join(', ')}</td>
                  <td>{formatRelative(key.lastUsedAt)}</td>
                  <td>{key.expiresAt ? formatDateTime(key.expiresAt) : 'never'}</td>
                  <td className="cell-actions">
                    <Button
                      variant="danger"
                      onClick={() => void revoke.run(key.id)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <Modal title="New API key" open={open} onClose={() => setOpen(false)}>
        <form className="form" onSubmit={submit}>
          <ErrorNotice error={create.error?.problems.length ? undefined : create.error} />
          <Field
            label="Name"
            hint="What will use it, e.g. “deploy script”."
            error={problemAt(create.error, 'name')}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                required
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <fieldset className="checks">
            <legend>Scopes</legend>
            {SCOPES.map((scope) => (
              <label key={scope} className="check">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) =>
                    setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                  }
                />
                {scope}
              </label>
            ))}
          </fieldset>
          <div className="row row-end">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="primary" pending={create.pending}>
              Create key
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
