import type { IsolationCase, IsolationExemption } from '../testing/isolation-cases.ts';

export const isolationCases: IsolationCase[] = [
  {
    name: 'API keys',
    async create(t, owner) {
      const res = await t.server.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: owner.headers,
        payload: { name: 'owner key', scopes: ['workflows:read'] },
      });
      if (res.statusCode !== 201)
        throw new Error(`creating an API key answered ${res.statusCode}: ${res.body}`);
      return res.json<{ id: string }>().id;
    },
    requests: (id) => [
      { method: 'GET', url: `/api/v1/api-keys/${id}` },
      { method: 'PATCH', url: `/api/v1/api-keys/${id}`, payload: { name: 'taken over' } },
      { method: 'DELETE', url: `/api/v1/api-keys/${id}` },
    ],
    list: { url: '/api/v1/api-keys?limit=100&includeRevoked=true' },
  },
  {
    name: 'preferences',
    async create(t, owner) {
      const res = await t.server.inject({
        method: 'PUT',
        url: '/api/v1/me/preferences/theme',
        headers: owner.headers,
        payload: { value: { mode: 'dark' } },
      });
      if (res.statusCode !== 200)
        throw new Error(`setting a preference answered ${res.statusCode}: ${res.body}`);
      return 'theme';
    },
    requests: (key) => [
      { method: 'GET', url: `/api/v1/me/preferences/${key}` },
      // Addresses the caller's own preference of that name: it may be set, but the owner's must not change.
      { method: 'PUT', url: `/api/v1/me/preferences/${key}`, payload: { value: 'light' }, status: 200 },
      { method: 'DELETE', url: `/api/v1/me/preferences/${key}`, status: 204 },
      { method: 'DELETE', url: `/api/v1/me/preferences/${key}` },
    ],
    list: { url: '/api/v1/me/preferences', idOf: (item) => item['key'] },
  },
];

export const isolationExemptions: IsolationExemption[] = [
  ...['GET', 'DELETE'].map((method) => ({
    route: `${method} /api/v1/admin/users/{id}`,
    reason: 'admin only: any user, by design (admin.test.ts proves a member gets 403)',
  })),
  ...['POST /api/v1/admin/users/{id}/deactivate', 'POST /api/v1/admin/users/{id}/activate'].map((route) => ({
    route,
    reason: 'admin only (admin.test.ts)',
  })),
  ...['PUT', 'DELETE'].map((method) => ({
    route: `${method} /api/v1/admin/users/{id}/roles/{role}`,
    reason: 'admin only (admin.test.ts)',
  })),
];
