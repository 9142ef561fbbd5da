import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { insertConnection, installTestCatalog, type WorkflowTestCatalog } from './test-fixtures.ts';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
let catalog: WorkflowTestCatalog;
let ownerAuthConnection: string;
let otherAuthConnection: string;
let ownerPlainConnection: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t);
  other = await createTestUser(t);
  catalog = await installTestCatalog(t.ctx.db);
  ownerAuthConnection = await insertConnection(t.ctx.db, owner.id, catalog.authServiceId, 'mine');
  otherAuthConnection = await insertConnection(t.ctx.db, other.id, catalog.authServiceId, 'theirs');
  ownerPlainConnection = await insertConnection(t.ctx.db, owner.id, catalog.serviceId, 'plain');
  await t.ctx.db
    .insertInto('secrets')
    .values({ user_id: owner.id, name: 'API_KEY', encrypted_payload: 'sealed' })
    .execute();
});

afterAll(async () => {
  await t.close();
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely in tests
type Json = Record<string, any>;

async function call(
  user: TestUser,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  const res = await t.server.inject({
    method,
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload: payload as Json }),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as Json };
}

function validGraph(name = 'Hook to send') {
  return {
    name,
    description: 'sends one message per delivery',
    tags: ['alerts', 'email'],
    trigger: { key: 'hook', service: 'wftest', component: 'hook', config: {}, position: { x: 10, y: 20 } },
    nodes: [
      {
        key: 'send',
        service: 'wftest',
        component: 'send',
        config: { to: 'ops@example.com', count: '{{ trigger.count }}', body: 'Got {{ trigger.body.title }}' },
        position: { x: 200.5, y: 20 },
        retry: { maxAttempts: 3, backoff: 'exponential' as const, delayMs: 500 },
        label: 'Send it',
      },
      {
        key: 'post',
        service: 'wfauth',
        component: 'post',
        connection: '',
        config: { text: '{{ steps.send.id }}' },
      },
    ],
    edges: [
      { from: 'hook', to: 'send' },
      { from: 'send', to: 'post' },
    ],
    settings: { concurrency: 2 },
  };
}

function withConnection(graph: ReturnType<typeof validGraph>, id: string) {
  return { ...graph, nodes: graph.nodes.map((n) => (n.key === 'post' ? { ...n, connection: id } : n)) };
}

describe('workflows API', () => {
  it('creates a draft, reads it back with positions, and lists it with filters', async () => {
    const created = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph(), ownerAuthConnection),
    );
    expect(created.status).toBe(201);
    expect(created.body['status']).toBe('draft');
    expect(created.body['warnings']).toEqual([]);
    const id = created.body['id'];
    const got = await call(owner, 'GET', `/api/v1/workflows/${id}`);
    expect(got.status).toBe(200);
    expect(got.body['definition']['nodes'][0]['position']).toEqual({ x: 200.5, y: 20 });
    expect(got.body['definition']['nodes'][0]['retry']).toEqual({
      maxAttempts: 3,
      backoff: 'exponential',
      delayMs: 500,
    });
    expect(got.body['definition']['trigger']['position']).toEqual({ x: 10, y: 20 });
    expect(got.body['definition']['settings']).toEqual({ concurrency: 2 });

    await call(owner, 'POST', '/api/v1/workflows', { name: 'Nightly report', tags: ['reports'] });
    const byTag = await call(owner, 'GET', '/api/v1/workflows?tag=alerts');
    expect(byTag.body['items'].map((w: Json) => w['id'])).toEqual([id]);
    const bySearch = await call(owner, 'GET', '/api/v1/workflows?q=nightly');
    expect(bySearch.body['items'].map((w: Json) => w['name'])).toEqual(['Nightly report']);
    const byStatus = await call(owner, 'GET', '/api/v1/workflows?status=active');
    expect(byStatus.body['items']).toEqual([]);
    const theirs = await call(other, 'GET', '/api/v1/workflows');
    expect(theirs.body['items']).toEqual([]);
    expect((await call(other, 'GET', `/api/v1/workflows/${id}`)).status).toBe(404);
  });

  it('pages with a keyset cursor', async () => {
    const user = await createTestUser(t);
    for (let i = 0; i < 5; i += 1) await call(user, 'POST', '/api/v1/workflows', { name: `Page ${i}` });
    const first = await call(user, 'GET', '/api/v1/workflows?limit=2');
    expect(first.body['items'].map((w: Json) => w['name'])).toEqual(['Page 4', 'Page 3']);
    const second = await call(user, 'GET', `/api/v1/workflows?limit=2&cursor=${first.body['nextCursor']}`);
    expect(second.body['items'].map((w: Json) => w['name'])).toEqual(['Page 2', 'Page 1']);
    const third = await call(user, 'GET', `/api/v1/workflows?limit=2&cursor=${second.body['nextCursor']}`);
    expect(third.body['items'].map((w: Json) => w['name'])).toEqual(['Page 0']);
    expect(third.body['nextCursor']).toBeNull();
  });

  it('accepts the actions shorthand as a chain', async () => {
    const res = await call(owner, 'POST', '/api/v1/workflows', {
      name: 'Area',
      trigger: { key: 'hook', service: 'wftest', component: 'hook', config: {} },
      actions: [
        { service: 'wftest', component: 'send', config: { to: 'a@example.com' } },
        {
          service: 'wftest',
          component: 'send',
          config: { to: 'b@example.com', body: '{{ steps.step_1.id }}' },
        },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body['definition']['edges']).toEqual([
      { from: 'hook', to: 'step_1' },
      { from: 'step_1', to: 'step_2' },
    ]);
    expect(res.body['warnings']).toEqual([]);
  });

  it('saves an incomplete draft with warnings, and activating it fails and changes nothing', async () => {
    const draft = {
      name: 'Broken',
      trigger: { key: 'hook', service: 'wftest', component: 'hook', config: {}, enabled: false },
      nodes: [
        {
          key: 'send',
          service: 'wftest',
          component: 'send',
          config: { to: 'not-an-email', count: 'x', body: '{{ secrets.MISSING }} {{ secrets.API_KEY }}' },
        },
        { key: 'post', service: 'wfauth', component: 'post', config: { text: '{{ steps.later.value }}' } },
        { key: 'orphan', service: 'wftest', component: 'check', config: {} },
        { key: 'later', service: 'wftest', component: 'check', config: {} },
        { key: 'a', service: 'wftest', component: 'check', config: {} },
        { key: 'b', service: 'wftest', component: 'check', config: {} },
      ],
      edges: [
        { from: 'hook', to: 'send' },
        { from: 'send', to: 'post' },
        { from: 'post', to: 'later' },
        { from: 'send', to: 'a' },
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    };
    const created = await call(owner, 'POST', '/api/v1/workflows', draft);
    expect(created.status).toBe(201);
    const rules = (list: Json[]) => list.map((p) => `${p['path']} ${p['rule']}`).sort();
    const expected = [
      'edges[5] cycle',
      'nodes[0].config.body unknown_secret',
      'nodes[0].config.count type',
      'nodes[0].config.to format',
      'nodes[1].config.text template_order',
      'nodes[1].connection connection_required',
      'nodes[2] unreachable',
      'trigger.enabled disabled_trigger',
    ];
    expect(rules(created.body['warnings'])).toEqual(expected);
    const dryRun = await call(owner, 'POST', '/api/v1/workflows/validate', draft);
    expect(dryRun.body['ok']).toBe(false);
    expect(rules(dryRun.body['errors'])).toEqual(expected);
    const id = created.body['id'];
    const before = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

    const activated = await call(owner, 'POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.status).toBe(400);
    expect(activated.body['error']['code']).toBe('validation_failed');
    expect(rules(activated.body['error']['details']['problems'])).toEqual(expected);

    const after = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const versions = await t.ctx.db
      .selectFrom('workflow_versions')
      .select('id')
      .where('workflow_id', '=', id)
      .execute();
    expect(versions).toEqual([]);
  });

  it('rejects at save what the graph cannot hold: unknown service/component, edges to unknown nodes, duplicate keys', async () => {
    const res = await call(owner, 'POST', '/api/v1/workflows', {
      name: 'Bad',
      trigger: { key: 'hook', service: 'nosuch', component: 'hook', config: {} },
      nodes: [
        { key: 'send', service: 'wftest', component: 'nosuch', config: {} },
        { key: 'send', service: 'wftest', component: 'send', config: { to: 'a@example.com' } },
      ],
      edges: [{ from: 'hook', to: 'ghost' }],
    });
    expect(res.status).toBe(400);
    const problems = res.body['error']['details']['problems']
      .map((p: Json) => `${p['path']} ${p['rule']}`)
      .sort();
    expect(problems).toEqual([
      'edges[0].to unknown_node',
      'nodes[0].component unknown_component',
      'nodes[1].key unique',
      'trigger.service unknown_service',
    ]);
  });

  it('reports a connection of another user as not found and one of another service by its path', async () => {
    const theirs = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Theirs'), otherAuthConnection),
    );
    expect(theirs.status).toBe(400);
    expect(theirs.body['error']['details']['problems']).toEqual([
      { path: 'nodes[1].connection', rule: 'connection_not_found', message: 'connection not found' },
    ]);
    const wrong = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Wrong'), ownerPlainConnection),
    );
    expect(wrong.status).toBe(201);
    expect(wrong.body['warnings'].map((p: Json) => `${p['path']} ${p['rule']}`)).toEqual([
      'nodes[1].connection connection_service',
    ]);
  });

  it('activates a valid workflow: immutable version, webhook token, re-activation reuses the version', async () => {
    const created = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Live'), ownerAuthConnection),
    );
    const id = created.body['id'];
    const activated = await call(owner, 'POST', `/api/v1/workflows/${id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({
      status: 'active',
      version: 1,
      activeVersion: 1,
      triggerType: 'webhook',
      published: true,
    });
    const token = activated.body['webhookToken'] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(activated.body['webhookUrl']).toBe(`http://area.test/hooks/${token}`);

    const version = await call(owner, 'GET', `/api/v1/workflows/${id}/versions/1`);
    expect(version.body['definition']['nodes'][1]['connection']).toBe(ownerAuthConnection);
    expect(version.body['isActive']).toBe(true);

    await expect(
      t.ctx.db
        .updateTable('workflow_versions')
        .set({ name: 'changed' })
        .where('workflow_id', '=', id)
        .execute(),
    ).rejects.toThrow(/immutable/);

    const paused = await call(owner, 'POST', `/api/v1/workflows/${id}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', activeVersion: 1 });
    const again = await call(owner, 'POST', `/api/v1/workflows/${id}/activate`);
    expect(again.body).toMatchObject({ status: 'active', version: 1, published: false, webhookToken: token });

    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .select('action')
      .where('entity_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'workflow.created',
      'workflow.activated',
      'workflow.paused',
      'workflow.activated',
    ]);
  });

  it('restores an old version as a new version without touching the old row', async () => {
    const created = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Restore me'), ownerAuthConnection),
    );
    const id = created.body['id'];
    await call(owner, 'POST', `/api/v1/workflows/${id}/activate`);
    const v1 = await t.ctx.db
      .selectFrom('workflow_versions')
      .selectAll()
      .where('workflow_id', '=', id)
      .executeTakeFirstOrThrow();
    const changed = withConnection(validGraph('Restore me v2'), ownerAuthConnection);
    changed.nodes[0] = {
      ...changed.nodes[0],
      config: { ...changed.nodes[0]?.config, to: 'new@example.com' },
    } as never;
    expect((await call(owner, 'PUT', `/api/v1/workflows/${id}`, changed)).status).toBe(200);
    const act2 = await call(owner, 'POST', `/api/v1/workflows/${id}/activate`);
    expect(act2.body).toMatchObject({ version: 2, activeVersion: 2, name: 'Restore me v2' });

    const restored = await call(owner, 'POST', `/api/v1/workflows/${id}/versions/1/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      version: 3,
      activeVersion: 3,
      restoredVersion: 3,
      name: 'Restore me',
    });
    expect(restored.body['definition']['nodes'][0]['config']['to']).toBe('ops@example.com');

    const list = await call(owner, 'GET', `/api/v1/workflows/${id}/versions`);
    expect(list.body['items'].map((v: Json) => [v['version'], v['restoredFrom'], v['isActive']])).toEqual([
      [3, 1, true],
      [2, null, false],
      [1, null, false],
    ]);
    const v1After = await t.ctx.db
      .selectFrom('workflow_versions')
      .selectAll()
      .where('id', '=', v1.id)
      .executeTakeFirstOrThrow();
    expect(v1After).toEqual(v1);
    expect((await call(other, 'POST', `/api/v1/workflows/${id}/versions/1/restore`)).status).toBe(404);
    expect((await call(owner, 'POST', `/api/v1/workflows/${id}/versions/9/restore`)).status).toBe(404);
  });

  it('round-trips export -> import to the same graph, without connection ids', async () => {
    const created = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Portable'), ownerAuthConnection),
    );
    const id = created.body['id'];
    const exported = await call(owner, 'GET', `/api/v1/workflows/${id}/export`);
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(ownerAuthConnection);
    expect(exported.body['requiredConnections']).toEqual([{ node: 'post', service: 'wfauth' }]);

    const imported = await call(owner, 'POST', '/api/v1/workflows/import', {
      ...exported.body,
      connections: { wfauth: ownerAuthConnection },
    });
    expect(imported.status).toBe(201);
    expect(imported.body['warnings']).toEqual([]);
    expect(imported.body['definition']).toEqual(created.body['definition']);

    const reExported = await call(owner, 'GET', `/api/v1/workflows/${imported.body['id']}/export`);
    expect(reExported.body['definition']).toEqual(exported.body['definition']);

    // Another user imports the same document with no connection: a draft that names what is missing.
    const theirs = await call(other, 'POST', '/api/v1/workflows/import', exported.body);
    expect(theirs.status).toBe(201);
    expect(theirs.body['warnings'].map((p: Json) => `${p['path']} ${p['rule']}`)).toEqual([
      'nodes[1].connection connection_required',
    ]);
  });

  it('duplicates, archives and soft-deletes', async () => {
    const created = await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Original'), ownerAuthConnection),
    );
    const id = created.body['id'];
    const copy = await call(owner, 'POST', `/api/v1/workflows/${id}/duplicate`, {});
    expect(copy.status).toBe(201);
    expect(copy.body['name']).toBe('Original (copy)');
    expect(copy.body['definition']['nodes']).toEqual(created.body['definition']['nodes']);
    expect((await call(other, 'POST', `/api/v1/workflows/${id}/duplicate`, {})).status).toBe(404);

    const archived = await call(owner, 'POST', `/api/v1/workflows/${id}/archive`);
    expect(archived.body['status']).toBe('archived');
    expect((await call(owner, 'POST', `/api/v1/workflows/${copy.body['id']}/pause`)).status).toBe(409);

    expect((await call(other, 'DELETE', `/api/v1/workflows/${id}`)).status).toBe(404);
    expect((await call(owner, 'DELETE', `/api/v1/workflows/${id}`)).status).toBe(204);
    expect((await call(owner, 'GET', `/api/v1/workflows/${id}`)).status).toBe(404);
    const row = await t.ctx.db
      .selectFrom('workflows')
      .select('deleted_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
  });

  it('keeps a component that a workflow uses from being deleted', async () => {
    await call(
      owner,
      'POST',
      '/api/v1/workflows',
      withConnection(validGraph('Uses send'), ownerAuthConnection),
    );
    await expect(
      t.ctx.db.deleteFrom('components').where('id', '=', catalog.components.send).execute(),
    ).rejects.toThrow(/foreign key|violates/i);
    const still = await t.ctx.db
      .selectFrom('components')
      .select('id')
      .where('id', '=', catalog.components.send)
      .execute();
    expect(still).toHaveLength(1);
  });
});
