import { defineIsolationCases } from '../testing/isolation-cases.ts';
import type { TestApp } from '../testing/test-app.ts';
import type { TestUser } from '../testing/test-users.ts';

const definition = {
  name: 'Isolated',
  tags: ['isolation'],
  trigger: { key: 'start', service: 'manual', component: 'run', config: {} },
  actions: [
    {
      key: 'call',
      service: 'http',
      component: 'request',
      config: { method: 'GET', url: 'https://example.com' },
    },
  ],
};

async function post(
  t: TestApp,
  owner: TestUser,
  url: string,
  payload: object,
): Promise<Record<string, unknown>> {
  const res = await t.server.inject({ method: 'POST', url, headers: owner.headers, payload });
  if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function createWorkflow(t: TestApp, owner: TestUser, activate: boolean): Promise<string> {
  const created = await post(t, owner, '/api/v1/workflows', definition);
  const id = created['id'] as string;
  if (activate) await post(t, owner, `/api/v1/workflows/${id}/activate`, {});
  return id;
}

export const isolationCases = defineIsolationCases(
  {
    name: 'workflows',
    create: (t, owner) => createWorkflow(t, owner, false),
    requests: (id) => [
      { method: 'GET', url: `/api/v1/workflows/${id}` },
      { method: 'GET', url: `/api/v1/workflows/${id}/export` },
      { method: 'PUT', url: `/api/v1/workflows/${id}`, payload: { ...definition, name: 'Taken' } },
      { method: 'POST', url: `/api/v1/workflows/${id}/activate` },
      { method: 'POST', url: `/api/v1/workflows/${id}/pause` },
      { method: 'POST', url: `/api/v1/workflows/${id}/archive` },
      { method: 'POST', url: `/api/v1/workflows/${id}/duplicate`, payload: {} },
      { method: 'DELETE', url: `/api/v1/workflows/${id}` },
    ],
    list: { url: '/api/v1/workflows?tag=isolation' },
  },
  {
    name: 'workflow versions',
    create: (t, owner) => createWorkflow(t, owner, true),
    requests: (id) => [
      { method: 'GET', url: `/api/v1/workflows/${id}/versions/1` },
      { method: 'GET', url: `/api/v1/workflows/${id}/versions` },
      { method: 'POST', url: `/api/v1/workflows/${id}/versions/1/restore` },
    ],
  },
  {
    name: 'private workflow templates',
    async create(t, owner) {
      const workflowId = await createWorkflow(t, owner, false);
      const template = await post(t, owner, '/api/v1/templates', { workflowId, category: 'isolation' });
      return template['id'] as string;
    },
    requests: (id) => [
      { method: 'GET', url: `/api/v1/templates/${id}` },
      { method: 'POST', url: `/api/v1/templates/${id}/use`, payload: {} },
      { method: 'DELETE', url: `/api/v1/templates/${id}` },
    ],
    list: { url: '/api/v1/templates?category=isolation&limit=100' },
  },
);
