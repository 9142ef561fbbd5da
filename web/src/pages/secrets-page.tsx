import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { Secret } from '../api/types.ts';
import { Modal } from '../components/modal.tsx';
import { Button, Card, EmptyState, ErrorNotice, Field, Loading, PageHeader } from '../components/ui.tsx';
import { formatRelative } from '../lib/format.ts';
import { problemAt } from '../lib/problems.ts';
import { useAction, useApi } from '../lib/use-api.ts';

export function SecretsPage() {
  const secrets = useApi((signal) => api<Page<Secret>>('GET', '/secrets', { signal }), []);
  const [editing, setEditing] = useState<{ name: string; existing: Secret | null } | null>(null);
  const [value, setValue] = useState('');
  const save = useAction(async () => {
    if (!editing) return;
    const target = editing.existing;
    if (target)
      await api('PATCH', `/secrets/${encodeURIComponent(target.id ?? target.name)}`, { body: { value } });
    else await api('POST', '/secrets', { body: { name: editing.name, value } });
    setEditing(null);
    setValue('');
    secrets.reload();
  });
  const remove = useAction(async (secret: Secret) => {
    await api('DELETE', `/secrets/${encodeURIComponent(secret.id ?? secret.name)}`);
    secrets.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const missing = secrets.error?.isMissing;
  return (
    <>
      <PageHeader
        title="Secrets"
        subtitle={
          <>
            Named values kept encrypted. Use one in any parameter as <code>{'{{ secrets.NAME }}'}</code>.
            Values are never shown again.
          </>
        }
        actions={
          <Button
            variant="primary"
            disabled={missing}
            onClick={() => setEditing({ name: '', existing: null })}
          >
            New secret
          </Button>
        }
      />
      <Card>
        {secrets.loading && !secrets.data ? <Loading /> : null}
        <ErrorNotice error={secrets.error} what="Secrets" onRetry={secrets.reload} />
        <ErrorNotice error={remove.error} />
        {secrets.data?.items.length === 0 ? (
          <EmptyState
            title="No secrets yet"
            action={<Button onClick={() => setEditing({ name: '', existing: null })}>Add a secret</Button>}
          >
            Store an API token or password once, then reference it from your workflows.
          </EmptyState>
        ) : null}
        {secrets.data && secrets.data.items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {secrets.data.items.map((secret) => (
                <tr key={secret.id ?? secret.name}>
                  <td>
                    <code>{secret.name}</code>
                  </td>
                  <td className="muted">••••••••</td>
                  <td>{formatRelative(secret.updatedAt ?? secret.createdAt)}</td>
                  <td className="cell-actions">
                    <Button onClick={() => setEditing({ name: secret.name, existing: secret })}>
                      Replace
                    </Button>
                    <Button
                      variant="danger"
                      onClick={() => void remove.run(secret)}
                      aria-label={`Delete ${secret.name}`}
                    >
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <Modal
        title={editing?.existing ? `Replace ${editing.existing.name}` : 'New secret'}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        <form className="form" onSubmit={submit}>
          <ErrorNotice error={save.error?.problems.length ? undefined : save.error} />
          {editing?.existing ? null : (
            <Field
              label="Name"
              hint="Letters, digits and underscores, e.g. SLACK_TOKEN."
              error={problemAt(save.error, 'name')}
            >
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  required
                  pattern="[A-Za-z_][A-Za-z0-9_]*"
                  value={editing?.name ?? ''}
                  onChange={(e) => setEditing({ name: e.target.value, existing: null })}
                />
              )}
            </Field>
          )}
          <Field label="Value" error={problemAt(save.error, 'value')}>
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                required
                rows={3}
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
            )}
          </Field>
          <div className="row row-end">
            <Button onClick={() => setEditing(null)}>Cancel</Button>
            <Button type="submit" variant="primary" pending={save.pending}>
              Save secret
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
