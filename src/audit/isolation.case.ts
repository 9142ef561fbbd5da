import type { IsolationCase } from '../testing/isolation-cases.ts';

export const isolationCases: IsolationCase[] = [
  {
    name: 'audit log entries',
    async create(t, owner) {
      // Any audited act of the owner makes an entry; creating an API key is one.
      const res = await t.server.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: owner.headers,
        payload: { name: 'audited key' },
      });
      if (res.statusCode !== 201)
        throw new Error(`creating an API key answered ${res.statusCode}: ${res.body}`);
      const entry = await t.ctx.db
        .selectFrom('audit_logs')
        .select('id')
        .where('user_id', '=', owner.id)
        .where('action', '=', 'api_key.created')
        .executeTakeFirstOrThrow();
      return entry.id;
    },
    requests: (id) => [{ method: 'GET', url: `/api/v1/audit-logs/${id}` }],
    list: { url: '/api/v1/audit-logs?limit=100' },
  },
];
