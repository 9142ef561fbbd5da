import { defineIsolationCases } from '../testing/isolation-cases.ts';
import { definition, insertPublishedWorkflow } from './engine-fixtures.ts';

const manual = { key: 'start', service: 'manual', component: 'run', config: {} };

export const isolationCases = defineIsolationCases(
  {
    name: 'executions',
    async create(t, owner) {
      const wf = await insertPublishedWorkflow(t.ctx.db, owner.id, definition(manual, []));
      const row = await t.ctx.db
        .insertInto('executions')
        .values({
          workflow_id: wf.id,
          user_id: owner.id,
          workflow_version: 1,
          version_id: wf.versionId,
          status: 'failed',
          mode: 'manual',
          trigger_data: JSON.stringify({ input: {} }),
          error_message: 'failed for the isolation test',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    requests: (id) => [
      { method: 'GET', url: `/api/v1/executions/${id}` },
      { method: 'POST', url: `/api/v1/executions/${id}/cancel` },
      { method: 'POST', url: `/api/v1/executions/${id}/retry` },
      { method: 'POST', url: `/api/v1/executions/${id}/rerun` },
      { method: 'DELETE', url: `/api/v1/executions/${id}` },
    ],
    list: { url: '/api/v1/executions' },
  },
  {
    name: 'manual workflow runs',
    async create(t, owner) {
      return (await insertPublishedWorkflow(t.ctx.db, owner.id, definition(manual, []))).id;
    },
    requests: (id) => [{ method: 'POST', url: `/api/v1/workflows/${id}/run`, payload: { input: {} } }],
  },
);
