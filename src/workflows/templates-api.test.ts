import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_GALLERY } from '../integrations/all-galleries.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { BUILT_IN_TEMPLATES } from './built-in-templates.ts';
import { syncBuiltInTemplates } from './templates.ts';
import { insertConnection } from './test-fixtures.ts';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
let emailConnection: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely in tests
type Json = Record<string, any>;

beforeAll(async () => {
  t = await createTestApp();
  // The first user of an instance is an admin; the tests speak as ordinary users.
  await createTestUser(t);
  owner = await createTestUser(t);
  other = await createTestUser(t);
  const email = await t.ctx.db
    .selectFrom('services')
    .select('id')
    .where('key', '=', 'email')
    .executeTakeFirstOrThrow();
  emailConnection = await insertConnection(t.ctx.db, owner.id, email.id, 'smtp');
});

afterAll(async () => {
  await t.close();
});

async function call(user: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const res = await t.server.inject({
    method,
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload: payload as Json }),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as Json };
}

describe('templates', () => {
  it('ships at least 12 templates, each a valid draft that activates once its connections are filled', async () => {
    expect(BUILT_IN_TEMPLATES.length).toBeGreaterThanOrEqual(12);
    const builtIn = new Set(BUILT_IN_TEMPLATES.map((x) => x.slug));
    const list = await call(owner, 'GET', '/api/v1/templates?limit=100');
    expect(list.status).toBe(200);
    const shipped = (list.body['items'] as Json[]).filter((x) => builtIn.has(x['slug']));
    expect((list.body['items'] as Json[]).length).toBeGreaterThan(shipped.length);
    expect(shipped).toHaveLength(BUILT_IN_TEMPLATES.length);
    for (const template of shipped) {
      const bare = await call(owner, 'POST', `/api/v1/templates/${template['id']}/use`, {});
      expect(bare.status, template['slug']).toBe(201);
      // Without connections the only thing a draft may lack is the email connection.
      for (const warning of bare.body['warnings'] as Json[])
        expect(warning['rule'], template['slug']).toBe('connection_required');

      const used = await call(owner, 'POST', `/api/v1/templates/${template['id']}/use`, {
        connections: { email: emailConnection },
      });
      expect(used.body['warnings'], template['slug']).toEqual([]);
      const activated = await call(owner, 'POST', `/api/v1/workflows/${used.body['id']}/activate`);
      expect(activated.status, `${template['slug']}: ${JSON.stringify(activated.body)}`).toBe(200);
      expect(activated.body['status']).toBe('active');
    }
    const counted = await call(owner, 'GET', '/api/v1/templates?limit=100');
    for (const template of counted.body['items'] as Json[]) {
      if (builtIn.has(template['slug'])) expect(template['useCount']).toBe(2);
    }
  });

  it('ships the integrations gallery: each entry activates once one connection per service is given', async () => {
    expect(INTEGRATION_GALLERY.length).toBeGreaterThanOrEqual(12);
    const services = await t.ctx.db.selectFrom('services').select(['id', 'key']).execute();
    const connections: Record<string, string> = {};
    for (const service of services) {
      connections[service.key] = await insertConnection(
        t.ctx.db,
        owner.id,
        service.id,
        `gallery ${service.key}`,
      );
    }
    const secretNames = new Set(
      [...JSON.stringify(INTEGRATION_GALLERY).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map(
        (m) => m[1]!,
      ),
    );
    for (const name of secretNames) {
      const made = await call(owner, 'POST', '/api/v1/secrets', { name, value: `value-of-${name}` });
      expect(made.status, name).toBe(201);
    }
    const list = await call(owner, 'GET', '/api/v1/templates?limit=100');
    const bySlug = new Map((list.body['items'] as Json[]).map((x) => [x['slug'], x]));
    for (const entry of INTEGRATION_GALLERY) {
      const template = bySlug.get(entry.slug);
      expect(template, entry.slug).toBeDefined();
      // Connections are given per node key: a node may be keyed like another service.
      const def = entry.definition as Json;
      const perNode: Record<string, string> = {};
      for (const node of [def['trigger'], ...(def['nodes'] ?? []), ...(def['actions'] ?? [])] as Json[]) {
        if (node?.['service'] && connections[node['service']])
          perNode[node['key']] = connections[node['service']]!;
      }
      const used = await call(owner, 'POST', `/api/v1/templates/${template!['id']}/use`, {
        connections: perNode,
      });
      expect(used.status, entry.slug).toBe(201);
      expect(used.body['warnings'], `${entry.slug}: ${JSON.stringify(used.body['warnings'])}`).toEqual([]);
      const activated = await call(owner, 'POST', `/api/v1/workflows/${used.body['id']}/activate`);
      expect(activated.status, `${entry.slug}: ${JSON.stringify(activated.body)}`).toBe(200);
    }
  });

  it('filters by category, difficulty, service, featured and text', async () => {
    const byCategory = await call(owner, 'GET', '/api/v1/templates?category=monitoring&limit=100');
    const slugs = byCategory.body['items'].map((x: Json) => x['slug']);
    expect(slugs).toEqual(expect.arrayContaining(['daily-http-health-check', 'uptime-monitor-5-minutes']));
    expect(byCategory.body['items'].every((x: Json) => x['category'] === 'monitoring')).toBe(true);
    const featured = await call(owner, 'GET', '/api/v1/templates?featured=true&limit=100');
    expect(featured.body['items'].every((x: Json) => x['isFeatured'])).toBe(true);
    expect(featured.body['items'].length).toBeGreaterThan(0);
    const advanced = await call(owner, 'GET', '/api/v1/templates?difficulty=advanced&limit=100');
    expect(advanced.body['items'].every((x: Json) => x['difficulty'] === 'advanced')).toBe(true);
    const both = await call(owner, 'GET', '/api/v1/templates?service=webhook&service=email&limit=100');
    expect(both.body['items'].length).toBeGreaterThan(0);
    for (const x of both.body['items'] as Json[])
      expect(x['services']).toEqual(expect.arrayContaining(['webhook', 'email']));
    const search = await call(owner, 'GET', '/api/v1/templates?q=json%20feed');
    expect(search.body['items'].map((x: Json) => x['slug'])).toContain('json-feed-polling');
    for (const x of search.body['items'] as Json[])
      expect(`${x['name']} ${x['description']}`.toLowerCase()).toContain('json');
    const page = await call(owner, 'GET', '/api/v1/templates?limit=5');
    const next = await call(owner, 'GET', `/api/v1/templates?limit=5&cursor=${page.body['nextCursor']}`);
    expect(next.body['items'][0]['id'] > page.body['items'][4]['id']).toBe(true);
  });

  it('keeps a private template to its maker, without connection ids', async () => {
    const source = await call(owner, 'POST', '/api/v1/workflows', {
      name: 'Mine',
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: {} },
      actions: [
        {
          key: 'mail',
          service: 'email',
          component: 'send',
          connection: emailConnection,
          config: { to: 'a@example.com', subject: 'x', text: 'y' },
        },
      ],
    });
    expect(source.status).toBe(201);
    const made = await call(owner, 'POST', '/api/v1/templates', {
      workflowId: source.body['id'],
      category: 'personal',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ isPublic: false, isOwn: true, services: ['email', 'webhook'] });
    expect(JSON.stringify(made.body)).not.toContain(emailConnection);
    const id = made.body['id'];

    expect((await call(other, 'GET', `/api/v1/templates/${id}`)).status).toBe(404);
    expect((await call(other, 'POST', `/api/v1/templates/${id}/use`, {})).status).toBe(404);
    expect((await call(other, 'GET', '/api/v1/templates?category=personal')).body['items']).toEqual([]);
    expect((await call(owner, 'GET', '/api/v1/templates?category=personal')).body['items']).toHaveLength(1);
    const publish = await call(owner, 'POST', '/api/v1/templates', {
      workflowId: source.body['id'],
      category: 'x',
      isPublic: true,
    });
    expect(publish.status).toBe(400);
    expect(
      (await call(other, 'POST', '/api/v1/templates', { workflowId: source.body['id'], category: 'x' }))
        .status,
    ).toBe(404);
    expect((await call(other, 'DELETE', `/api/v1/templates/${id}`)).status).toBe(404);
    expect((await call(owner, 'DELETE', `/api/v1/templates/${id}`)).status).toBe(204);
  });
  it('writes the shipped templates only when they changed or one of them is gone', async () => {
    const shipped = [...BUILT_IN_TEMPLATES, ...INTEGRATION_GALLERY];
    const known = (key: string) => t.ctx.catalog.service(key) !== undefined;
    const versions = async () =>
      new Map(
        (
          await t.ctx.db
            .selectFrom('workflow_templates')
            .select(['slug', 'name', sql<string>`xmin::text`.as('version')])
            .where('created_by', 'is', null)
            .execute()
        ).map((row) => [row.slug, row]),
      );
    await syncBuiltInTemplates(t.ctx.db, shipped, known);
    const before = await versions();
    await syncBuiltInTemplates(t.ctx.db, shipped, known);
    expect(await versions()).toEqual(before);

    // An admin deleted one: the next start brings it back.
    const first = shipped[0]!;
    await t.ctx.db.deleteFrom('workflow_templates').where('slug', '=', first.slug).execute();
    await syncBuiltInTemplates(t.ctx.db, shipped, known);
    expect((await versions()).get(first.slug)?.name).toBe(before.get(first.slug)?.name);

    // A changed template is written.
    const renamed = shipped.map((template) =>
      template === first
        ? { ...template, definition: { ...template.definition, name: 'Renamed in the code' } }
        : template,
    );
    await syncBuiltInTemplates(t.ctx.db, renamed, known);
    expect((await versions()).get(first.slug)?.name).toBe('Renamed in the code');
    await syncBuiltInTemplates(t.ctx.db, shipped, known);
    expect((await versions()).get(first.slug)?.name).toBe(before.get(first.slug)?.name);
  });
});
