import { useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { Connection, JsonSchema, Service } from '../api/types.ts';
import { Modal } from '../components/modal.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
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
import { loadCatalog } from '../lib/catalog.ts';
import { formatRelative } from '../lib/format.ts';
import { problemAt } from '../lib/problems.ts';
import { useLocation } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';

function isOAuth(service: Service | undefined): boolean {
  return Boolean(service?.authType && /oauth/i.test(service.authType));
}

function AddConnection(props: { services: Service[]; onDone: () => void; onCancel: () => void }) {
  const needing = props.services.filter((s) => s.requiresAuth && s.authType !== 'none');
  const [serviceKey, setServiceKey] = useState(needing[0]?.key ?? '');
  const [name, setName] = useState('');
  const [credentials, setCredentials] = useState<Record<string, unknown>>({});
  const service = needing.find((s) => s.key === serviceKey);
  const create = useAction(async () => {
    await api('POST', '/connections', {
      body: { service: serviceKey, name: name || service?.name, credentials },
    });
    props.onDone();
  });
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const connect = useAction(async () => {
    const answer = await api<{ authorizationUrl: string }>(
      'POST',
      `/connections/oauth/${encodeURIComponent(serviceKey)}/start`,
      {
        body: {
          name: name || service?.name || serviceKey,
          clientId,
          ...(clientSecret ? { clientSecret } : {}),
        },
      },
    );
    location.assign(answer.authorizationUrl);
  });
  if (needing.length === 0)
    return (
      <EmptyState title="No service here needs a connection">
        Every installed service works without one.
      </EmptyState>
    );
  const credentialProblems = (create.error?.problems ?? [])
    .filter((p) => p.path.startsWith('credentials.'))
    .map((p) => ({ ...p, path: p.path.slice('credentials.'.length) }));
  return (
    <div className="form">
      <Field label="Service">
        {(id) => (
          <select
            id={id}
            value={serviceKey}
            onChange={(e) => {
              setServiceKey(e.target.value);
              setCredentials({});
            }}
          >
            {needing.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Connection name" hint="To tell several accounts of one service apart.">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            value={name}
            placeholder={service?.name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <ErrorNotice error={create.error && credentialProblems.length === 0 ? create.error : connect.error} />
      {isOAuth(service) ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void connect.run();
          }}
        >
          <Field
            label="OAuth client ID"
            hint={`From the app you registered with ${service?.name}.`}
            error={problemAt(connect.error, 'clientId')}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                required
                value={clientId}
                onChange={(e) => setClientId(e.target.value)}
              />
            )}
          </Field>
          <Field label="OAuth client secret" error={problemAt(connect.error, 'clientSecret')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="password"
                value={clientSecret}
                onChange={(e) => setClientSecret(e.target.value)}
              />
            )}
          </Field>
          <div className="row row-end">
            <Button onClick={props.onCancel}>Cancel</Button>
            <Button type="submit" variant="primary" pending={connect.pending}>
              Connect with {service?.name}
            </Button>
          </div>
        </form>
      ) : (
        <SchemaForm
          idPrefix="cred"
          schema={(service?.authSchema ?? { type: 'object', properties: {} }) as JsonSchema}
          formData={credentials}
          onChange={setCredentials}
          problems={credentialProblems}
          onSubmit={() => void create.run()}
        >
          <div className="row row-end">
            <Button onClick={props.onCancel}>Cancel</Button>
            <Button type="submit" variant="primary" pending={create.pending}>
              Save connection
            </Button>
          </div>
        </SchemaForm>
      )}
    </div>
  );
}

export function ConnectionsPage() {
  const { query } = useLocation();
  const connected = query.get('connected');
  const failed = query.get('error');
  const connections = useApi((signal) => api<Page<Connection>>('GET', '/connections', { signal }), []);
  const catalog = useApi(() => loadCatalog(), []);
  const [adding, setAdding] = useState(false);
  const test = useAction(async (id: string) => {
    await api('POST', `/connections/${id}/test`);
    connections.reload();
  });
  const remove = useAction(async (id: string) => {
    await api('DELETE', `/connections/${id}`);
    connections.reload();
  });
  const serviceName = (key: string) => catalog.data?.find((s) => s.key === key)?.name ?? key;
  return (
    <>
      <PageHeader
        title="Connections"
        subtitle="Your accounts on other services. Credentials are encrypted and never shown again."
        actions={
          <Button
            variant="primary"
            disabled={!catalog.data || connections.error?.isMissing}
            onClick={() => setAdding(true)}
          >
            Add connection
          </Button>
        }
      />
      {connected ? (
        <div className="notice notice-good" role="status">
          Connected. Test it below, then pick it in a workflow step.
        </div>
      ) : null}
      {failed ? (
        <div className="notice notice-error" role="alert">
          The connection was not made: {failed}
        </div>
      ) : null}
      <Card>
        {connections.loading && !connections.data ? <Loading /> : null}
        <ErrorNotice error={connections.error} what="Connections" onRetry={connections.reload} />
        <ErrorNotice error={test.error ?? remove.error} />
        {connections.data?.items.length === 0 ? (
          <EmptyState
            title="No connections yet"
            action={<Button onClick={() => setAdding(true)}>Add a connection</Button>}
          >
            Connect an account (mail server, API token, OAuth app) so your workflows can act on it.
          </EmptyState>
        ) : null}
        {connections.data && connections.data.items.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Service</th>
                <th scope="col">Status</th>
                <th scope="col">Last tested</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {connections.data.items.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.serviceName ?? serviceName(c.service ?? c.serviceKey ?? '')}</td>
                  <td>
                    <StatusBadge status={c.status} />
                    {c.errorMessage ? <div className="cell-error">{c.errorMessage}</div> : null}
                  </td>
                  <td>{formatRelative(c.lastTestedAt)}</td>
                  <td className="cell-actions">
                    <Button onClick={() => void test.run(c.id)} pending={test.pending}>
                      Test
                    </Button>
                    <Button
                      variant="danger"
                      onClick={() => void remove.run(c.id)}
                      aria-label={`Delete ${c.name}`}
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
      <Modal title="Add a connection" open={adding} onClose={() => setAdding(false)}>
        {catalog.data ? (
          <AddConnection
            services={catalog.data}
            onCancel={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              connections.reload();
            }}
          />
        ) : (
          <ErrorNotice error={catalog.error} what="The catalog" />
        )}
      </Modal>
    </>
  );
}
