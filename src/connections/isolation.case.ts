import { defineIsolationCases, type IsolationExemption } from '../testing/isolation-cases.ts';

export const isolationCases = defineIsolationCases(
  {
    name: 'connection',
    async create(t, owner) {
      const res = await t.server.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: owner.headers,
        payload: {
          service: 'http',
          name: 'Owner API',
          credentials: { type: 'bearer', token: 'owner-token-123' },
        },
      });
      if (res.statusCode !== 201) throw new Error(`connection not created: ${res.body}`);
      return res.json<{ id: string }>().id;
    },
    requests: (id) => [
      { method: 'GET', url: `/api/v1/connections/${id}` },
      { method: 'PATCH', url: `/api/v1/connections/${id}`, payload: { name: 'Taken over' } },
      { method: 'POST', url: `/api/v1/connections/${id}/test` },
      { method: 'DELETE', url: `/api/v1/connections/${id}` },
    ],
    list: { url: '/api/v1/connections' },
  },
  {
    name: 'secret',
    async create(t, owner) {
      const res = await t.server.inject({
        method: 'POST',
        url: '/api/v1/secrets',
        headers: owner.headers,
        payload: { name: 'OWNER_SECRET', value: 'owner-value-123' },
      });
      if (res.statusCode !== 201) throw new Error(`secret not created: ${res.body}`);
      return res.json<{ id: string }>().id;
    },
    requests: (id) => [
      { method: 'GET', url: `/api/v1/secrets/${id}` },
      { method: 'PATCH', url: `/api/v1/secrets/${id}`, payload: { value: 'overwritten' } },
      { method: 'DELETE', url: `/api/v1/secrets/${id}` },
    ],
    list: { url: '/api/v1/secrets' },
  },
);

export const isolationExemptions: IsolationExemption[] = [
  { route: 'GET /api/v1/services/{key}', reason: 'the catalog is public to every signed-in user' },
  {
    route: 'POST /api/v1/connections/oauth/{service}/start',
    reason: 'addresses a catalog service; the connection is created for the caller only',
  },
];
