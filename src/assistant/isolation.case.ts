import { defineIsolationCases } from '../testing/isolation-cases.ts';

export const isolationCases = defineIsolationCases({
  name: 'assistant chat sessions',
  create: async (t, owner) => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/assistant/sessions',
      headers: owner.headers,
      payload: { name: 'Isolated conversation' },
    });
    if (res.statusCode !== 201)
      throw new Error(`POST /api/v1/assistant/sessions: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  },
  requests: (id) => [
    { method: 'GET', url: `/api/v1/assistant/sessions/${id}` },
    { method: 'POST', url: `/api/v1/assistant/sessions/${id}/messages`, payload: { content: 'hello' } },
    { method: 'POST', url: `/api/v1/assistant/sessions/${id}/accept`, payload: {} },
    { method: 'POST', url: `/api/v1/assistant/sessions/${id}/archive` },
  ],
  list: { url: '/api/v1/assistant/sessions' },
});
