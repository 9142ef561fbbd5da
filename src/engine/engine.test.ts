import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { TEST_DATABASE_URL } from '../testing/test-db.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { until } from '../testing/until.ts';
import type { DefinitionNode, WorkflowDefinition } from '../workflows/definition.ts';
import { foldRunCounts, runCountsOf } from '../workflows/run-counts.ts';
import { ActiveTriggerReader } from './active-triggers.ts';
import { engineOf } from './engine.ts';
import {
  attachTestCatalog,
  definition,
  failingFeeds,
  feeds,
  insertPublishedWorkflow,
  openGate,
} from './engine-fixtures.ts';
import { planIntake, type RunRequest } from './intake.ts';
import { PipelinedIntake } from './intake-pipeline.ts';
import { Poller } from './poller.ts';
import { pruneExecutions } from './retention.ts';
import { LAST_SLOT_KEY, Scheduler } from './scheduler.ts';

const webhookTrigger = (respondWith: 'accepted' | 'workflow_output' = 'workflow_output') => ({
  key: 'hook',
  service: 'webhook',
  component: 'catch_hook',
  config: { respondWith },
});
const manualTrigger = { key: 'start', service: 'manual', component: 'run', config: {} };

let t: TestApp;
let user: TestUser;
let sink: Server;
let sinkUrl: string;
const received: unknown[] = [];
const receivedHeaders: Record<string, unknown>[] = [];

const execution = (id: string) =>
  t.ctx.db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const steps = (id: string) =>
  t.ctx.db
    .selectFrom('execution_steps')
    .selectAll()
    .where('execution_id', '=', id)
    .orderBy('started_at')
    .execute();
const finished = (id: string) =>
  until(
    () => execution(id),
    (e) => ['success', 'failed', 'skipped', 'cancelled'].includes(e.status),
  );

async function publish(def: WorkflowDefinition) {
  return insertPublishedWorkflow(t.ctx.db, user.id, def);
}

async function runManual(workflowId: string, input: unknown = {}, wait = true) {
  const response = await t.server.inject({
    method: 'POST',
    url: `/api/v1/workflows/${workflowId}/run`,
    headers: user.headers,
    payload: { input, wait },
  });
  return response;
}

beforeAll(async () => {
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      receivedHeaders.push(req.headers);
      received.push(JSON.parse(body || 'null'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, count: received.length }));
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sink`;
  t = await createTestApp({ env: { PORT: '0' }, roles: ['api', 'worker', 'scheduler'] });
  attachTestCatalog(t.ctx);
  await t.app.start();
  user = await createTestUser(t);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise((r) => sink?.close(r));
});

describe('webhook runs', () => {
  it('runs transform then HTTP POST and answers with the output when done', async () => {
    const wf = await publish(
      definition(webhookTrigger(), [
        {
          key: 'build',
          service: 'transform',
          component: 'build',
          config: {
            fields: {
              text: '{{ trigger.body.user }} paid {{ trigger.body.amount }}',
              amount: '{{ trigger.body.amount }}',
            },
          },
        },
        {
          key: 'post',
          service: 'http',
          component: 'request',
          config: { method: 'POST', url: sinkUrl, body: '{{ steps.build.data }}' },
        },
      ]),
    );
    const response = await t.server.inject({
      method: 'POST',
      url: `/hooks/${wf.webhookToken}`,
      payload: { user: 'u1', amount: 42 },
    });
    expect(response.statusCode).toBe(200);
    expect(received.at(-1)).toEqual({ text: 'u1 paid 42', amount: 42 });
    const id = response.headers['x-area-execution-id'] as string;
    const run = await execution(id);
    expect(run).toMatchObject({ status: 'success', mode: 'webhook', completed_steps: 2, failed_steps: 0 });
    const recorded = await steps(id);
    expect(recorded.map((s) => [s.node_key, s.status, s.attempt_count])).toEqual([
      ['build', 'success', 1],
      ['post', 'success', 1],
    ]);
    const counters = (await runCountsOf(t.ctx.db, [wf.id])).get(wf.id);
    expect(counters).toMatchObject({ triggered_count: 1, successful_executions: 1, failed_executions: 0 });
    expect(counters?.average_duration_ms).not.toBeNull();
    // Folding the shards into the workflow's columns changes nothing a reader sees.
    expect(await foldRunCounts(t.ctx.db)).toBeGreaterThan(0);
    expect((await runCountsOf(t.ctx.db, [wf.id])).get(wf.id)).toEqual(counters);
    const folded = await t.ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(folded).toMatchObject({ triggered_count: 1, successful_executions: 1, failed_executions: 0 });
  });

  it('makes one run for repeated deliveries with the same idempotency key', async () => {
    const wf = await publish(
      definition(webhookTrigger('accepted'), [
        { key: 'echo', service: 'probe', component: 'flaky', config: { value: '{{ trigger.body.n }}' } },
      ]),
    );
    const send = () =>
      t.server.inject({
        method: 'POST',
        url: `/hooks/${wf.webhookToken}`,
        headers: { 'idempotency-key': 'delivery-1' },
        payload: { n: 1 },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([202, 202, 202]);
    const ids = new Set([a, b, c].map((r) => r.json().executionId));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    await finished(id);
    const runs = await t.ctx.db
      .selectFrom('executions')
      .select('id')
      .where('workflow_id', '=', wf.id)
      .execute();
    expect(runs).toHaveLength(1);
    expect((await runCountsOf(t.ctx.db, [wf.id])).get(wf.id)?.triggered_count).toBe(1);
  });

  it("answers with a chosen step's output", async () => {
    const wf = await publish(
      definition({ ...webhookTrigger(), config: { respondWith: 'step_output', responseStep: 'reply' } }, [
        {
          key: 'reply',
          service: 'transform',
          component: 'build',
          config: { fields: { greeting: 'hello {{ trigger.body.name }}' } },
        },
        { key: 'after', service: 'probe', component: 'flaky', config: { value: 'not the answer' } },
      ]),
    );
    const response = await t.server.inject({
      method: 'POST',
      url: `/hooks/${wf.webhookToken}`,
      payload: { name: 'Ada' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ data: { greeting: 'hello Ada' } });
    const id = response.headers['x-area-execution-id'] as string;
    expect((await execution(id)).status).toBe('success');
    expect((await steps(id)).map((s) => s.node_key)).toEqual(['reply', 'after']);
  });

  it('refuses to activate a webhook answering with a step the workflow does not have', async () => {
    const created = await t.server.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      headers: user.headers,
      payload: definition(
        { ...webhookTrigger(), config: { respondWith: 'step_output', responseStep: 'ghost' } },
        [{ key: 'reply', service: 'transform', component: 'build', config: { fields: { a: '1' } } }],
      ),
    });
    expect(created.statusCode).toBe(201);
    const activated = await t.server.inject({
      method: 'POST',
      url: `/api/v1/workflows/${created.json().id}/activate`,
      headers: user.headers,
    });
    expect(activated.statusCode).toBe(400);
    expect(activated.json().error.details.problems).toContainEqual({
      path: 'trigger.config.responseStep',
      rule: 'unknown_node',
      message: 'no step "ghost" to answer with',
    });
  });

  it('answers 404 for an unknown token and for a paused workflow', async () => {
    const unknown = await t.server.inject({
      method: 'POST',
      url: '/hooks/abcdefghijklmnopqrstuvwxyz',
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    const wf = await insertPublishedWorkflow(t.ctx.db, user.id, definition(webhookTrigger(), []), {
      status: 'paused',
    });
    const paused = await t.server.inject({ method: 'POST', url: `/hooks/${wf.webhookToken}`, payload: {} });
    expect(paused.statusCode).toBe(404);
  });
});

describe('leases', () => {
  // The tests below sweep themselves: the worker's timer must not take their runs meanwhile.
  beforeAll(() => engineOf(t.ctx).runner.stopLeaseKeeping());
  afterAll(() => engineOf(t.ctx).runner.startLeaseKeeping());
  const leftRunning = async (workflowId: string, versionId: string, leaseUntil: Date) => {
    const row = await t.ctx.db
      .insertInto('executions')
      .values({
        workflow_id: workflowId,
        user_id: user.id,
        workflow_version: 1,
        version_id: versionId,
        status: 'running',
        mode: 'webhook',
        trigger_data: JSON.stringify({ body: { n: 7 } }),
        started_at: new Date(Date.now() - 60_000),
        lease_until: leaseUntil,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const twoSteps = () =>
    definition(webhookTrigger('accepted'), [
      { key: 'first', service: 'probe', component: 'flaky', config: { value: 'fresh' } },
      { key: 'second', service: 'probe', component: 'flaky', config: { value: '{{ steps.first.value }}' } },
    ]);
  const versionOf = async (workflowId: string) =>
    (
      await t.ctx.db
        .selectFrom('workflow_versions')
        .select('id')
        .where('workflow_id', '=', workflowId)
        .executeTakeFirstOrThrow()
    ).id;

  it('does not take a run another process still holds, and resumes one whose lease lapsed without repeating its finished steps', async () => {
    const wf = await publish(twoSteps());
    const versionId = await versionOf(wf.id);
    const runner = engineOf(t.ctx).runner;

    const held = await leftRunning(wf.id, versionId, new Date(Date.now() + 60_000));
    expect(await runner.run(held)).toBe('requeued');
    expect((await execution(held)).status).toBe('running');
    expect(await steps(held)).toEqual([]);
    await t.ctx.db.deleteFrom('executions').where('id', '=', held).execute();

    const lapsed = await leftRunning(wf.id, versionId, new Date(Date.now() - 1000));
    // The dead process had finished the first step (its record says so) before it died.
    await t.ctx.db
      .insertInto('execution_steps')
      .values({
        execution_id: lapsed,
        node_key: 'first',
        status: 'success',
        attempt_count: 1,
        output: JSON.stringify({ value: 'recorded' }),
        started_at: new Date(Date.now() - 59_000),
        finished_at: new Date(Date.now() - 58_000),
      })
      .execute();
    expect(await runner.run(lapsed)).toBe('finished');
    const done = await execution(lapsed);
    expect(done).toMatchObject({ status: 'success', output: { value: 'recorded' }, lease_until: null });
    const rows = await steps(lapsed);
    expect(rows.map((r) => [r.node_key, r.status, r.output])).toEqual([
      ['first', 'success', { value: 'recorded' }],
      ['second', 'success', { value: 'recorded' }],
    ]);
  });

  it('sweeps for runs whose lease lapsed and resumes them; runs still leased stay as they are', async () => {
    const wf = await publish(twoSteps());
    const versionId = await versionOf(wf.id);
    const runner = engineOf(t.ctx).runner;
    const held = await leftRunning(wf.id, versionId, new Date(Date.now() + 60_000));
    const lapsed = await leftRunning(wf.id, versionId, new Date(Date.now() - 1000));
    expect(await runner.resumeLapsed()).toBeGreaterThanOrEqual(1);
    const done = await finished(lapsed);
    expect(done).toMatchObject({ status: 'success', lease_until: null });
    expect((await steps(lapsed)).map((r) => [r.node_key, r.status])).toEqual([
      ['first', 'success'],
      ['second', 'success'],
    ]);
    // A second sweep finds nothing more of these: the lapsed run ended, the other is still held.
    await runner.resumeLapsed();
    expect(await execution(held)).toMatchObject({ status: 'running' });
    expect(await steps(held)).toEqual([]);
    await t.ctx.db.deleteFrom('executions').where('id', '=', held).execute();
  });

  it('resumes the runs a stopped process held without waiting for their leases (the embedded database, at start)', async () => {
    const wf = await publish(twoSteps());
    const versionId = await versionOf(wf.id);
    const orphan = await leftRunning(wf.id, versionId, new Date(Date.now() + 300_000));
    expect(await engineOf(t.ctx).runner.resumeOrphans()).toBeGreaterThanOrEqual(1);
    const done = await finished(orphan);
    expect(done.status).toBe('success');
    expect((await steps(orphan)).map((r) => r.node_key)).toEqual(['first', 'second']);
  });
});

describe('intake on PostgreSQL', () => {
  // The pipelined intake is PostgreSQL's; the embedded database writes in process (no round trips).
  it.skipIf(!TEST_DATABASE_URL)(
    'sends jobs and runs in one transaction, and a failing statement rolls all of it back',
    async () => {
      const database = t.ctx.database as typeof t.ctx.database & { schema: string };
      const engine = engineOf(t.ctx);
      const pipelined = new PipelinedIntake(
        database.pool as NonNullable<typeof database.pool>,
        t.ctx.db,
        engine.queue,
        t.ctx.log,
      );
      const wf = await publish(
        definition(webhookTrigger('accepted'), [
          { key: 'echo', service: 'probe', component: 'flaky', config: { value: 1 } },
        ]),
      );
      const version = await t.ctx.db
        .selectFrom('workflow_versions')
        .select('id')
        .where('workflow_id', '=', wf.id)
        .executeTakeFirstOrThrow();
      const request = (workflowId: string): RunRequest => ({
        workflowId,
        userId: user.id,
        versionId: version.id,
        version: 1,
        mode: 'webhook',
        triggerData: { n: 1 },
      });
      const jobsOf = async (executionId: string) =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.id(`${database.schema}_q`)}.job
            WHERE data ->> 'executionId' = ${executionId}`.execute(t.ctx.db)
        ).rows[0]?.n;
      try {
        // A run of a workflow that does not exist: the job went out before the failing insert.
        const bad = planIntake([request(randomUUID())], 1);
        await expect(pipelined.write(bad)).rejects.toThrow(/foreign key/);
        expect(await jobsOf(bad.input[0]?.id as string)).toBe(0);

        // The same connection goes on with the next transaction.
        const good = planIntake([request(wf.id)], 1);
        const rows = await pipelined.write(good);
        expect(rows).toEqual([expect.objectContaining({ id: good.input[0]?.id, status: 'pending' })]);
        expect(await jobsOf(good.input[0]?.id as string)).toBe(1);
        await finished(good.input[0]?.id as string);

        // A run that starts here has no job: its statement alone writes it, running under its lease.
        const leaseUntil = new Date(Date.now() + 60_000);
        const here = planIntake([{ ...request(wf.id), inline: { leaseUntil } }], 1);
        expect(here.jobs).toEqual([]);
        const [running] = await pipelined.write(here);
        expect(running).toMatchObject({ id: here.input[0]?.id, status: 'running' });
        expect(await jobsOf(here.input[0]?.id as string)).toBe(0);
        expect(await execution(here.input[0]?.id as string)).toMatchObject({
          status: 'running',
          lease_until: leaseUntil,
        });
        await t.ctx.db
          .deleteFrom('executions')
          .where('id', '=', here.input[0]?.id as string)
          .execute();
      } finally {
        await pipelined.close();
      }
    },
  );
});

describe('connections and secrets', () => {
  it("opens the node's connection and the owner's secrets for the step, never storing them in the record", async () => {
    const made = await t.server.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: user.headers,
      payload: {
        service: 'http',
        name: 'Sink API',
        credentials: { type: 'bearer', token: 'conn-token-123' },
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const secret = await t.server.inject({
      method: 'POST',
      url: '/api/v1/secrets',
      headers: user.headers,
      payload: { name: 'TRACE_KEY', value: 'secret-trace-456' },
    });
    expect(secret.statusCode, secret.body).toBe(201);
    const wf = await publish(
      definition(manualTrigger, [
        {
          key: 'call',
          service: 'http',
          component: 'request',
          connection: made.json().id,
          config: {
            method: 'POST',
            url: sinkUrl,
            headers: { 'x-trace': '{{ secrets.TRACE_KEY }}' },
            body: { hi: 1 },
          },
        },
      ]),
    );
    const response = await runManual(wf.id);
    expect(response.statusCode, response.body).toBe(200);
    const headers = receivedHeaders.at(-1)!;
    expect(headers['authorization']).toBe('Bearer conn-token-123');
    expect(headers['x-trace']).toBe('secret-trace-456');
    const run = await t.ctx.db
      .selectFrom('executions')
      .selectAll()
      .where('workflow_id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('success');
    const recorded = JSON.stringify(await steps(run.id));
    expect(recorded).not.toContain('conn-token-123');
    expect(recorded).not.toContain('secret-trace-456');
  });
});

describe('flow control', () => {
  const condition = (value: string): DefinitionNode => ({
    key: 'check',
    type: 'condition',
    service: 'logic',
    component: 'condition',
    config: { conditions: [{ left: value, operator: 'equals', right: 'yes' }] },
  });
  const probe = (key: string, extra: Record<string, unknown> = {}): DefinitionNode => ({
    key,
    service: 'probe',
    component: 'flaky',
    config: { value: key, ...extra },
  });

  it('follows the true or the false branch of a condition', async () => {
    const wf = await publish(
      definition(
        manualTrigger,
        [condition('{{ trigger.input.answer }}'), probe('yes_branch'), probe('no_branch')],
        [
          { from: 'start', to: 'check' },
          { from: 'check', to: 'yes_branch', when: 'true' },
          { from: 'check', to: 'no_branch', when: 'false' },
        ],
      ),
    );
    const yes = await runManual(wf.id, { answer: 'yes' });
    expect(yes.statusCode).toBe(200);
    expect(yes.json()).toMatchObject({ status: 'success', output: { value: 'yes_branch' } });
    expect((await steps(yes.json().executionId)).map((s) => s.node_key)).toEqual(['check', 'yes_branch']);
    const no = await runManual(wf.id, { answer: 'no' });
    expect((await steps(no.json().executionId)).map((s) => s.node_key)).toEqual(['check', 'no_branch']);
  });

  it('ends the run as skipped when a filter does not pass', async () => {
    const wf = await publish(
      definition(manualTrigger, [
        {
          key: 'only_big',
          type: 'filter',
          service: 'logic',
          component: 'filter',
          config: {
            conditions: [{ left: '{{ trigger.input.total }}', operator: 'greater_than', right: 100 }],
          },
        },
        probe('after'),
      ]),
    );
    const small = await runManual(wf.id, { total: 5 });
    expect(small.json()).toMatchObject({ status: 'skipped' });
    expect((await steps(small.json().executionId)).map((s) => s.node_key)).toEqual(['only_big']);
    const big = await runManual(wf.id, { total: 500 });
    expect(big.json()).toMatchObject({ status: 'success', output: { value: 'after' } });
  });

  it('retries a failing step with backoff until it succeeds', async () => {
    const wf = await publish(
      definition(manualTrigger, [
        {
          ...probe('flaky', { failures: 2 }),
          retry: { maxAttempts: 3, backoff: 'exponential', delayMs: 10 },
        },
      ]),
    );
    const run = await runManual(wf.id);
    expect(run.json()).toMatchObject({ status: 'success' });
    const [step] = await steps(run.json().executionId);
    expect(step).toMatchObject({ node_key: 'flaky', status: 'success', attempt_count: 3 });
  });

  it('fails the run at a step without an error edge, and follows an error edge when there is one', async () => {
    const failing = await publish(
      definition(manualTrigger, [probe('boom', { failures: 5 }), probe('never')]),
    );
    const failed = await runManual(failing.id);
    expect(failed.json()).toMatchObject({ status: 'failed', errorNodeKey: 'boom' });
    expect(failed.json().errorMessage).toContain('planned failure');
    const handled = await publish(
      definition(
        manualTrigger,
        [probe('boom', { failures: 5 }), probe('recover'), probe('normal')],
        [
          { from: 'start', to: 'boom' },
          { from: 'boom', to: 'recover', when: 'error' },
          { from: 'boom', to: 'normal' },
        ],
      ),
    );
    const recovered = await runManual(handled.id);
    expect(recovered.json()).toMatchObject({ status: 'success', output: { value: 'recover' } });
    const recorded = await steps(recovered.json().executionId);
    expect(recorded.map((s) => [s.node_key, s.status])).toEqual([
      ['boom', 'failed'],
      ['recover', 'success'],
    ]);
    const counters = (await runCountsOf(t.ctx.db, [failing.id])).get(failing.id);
    expect(counters).toMatchObject({ successful_executions: 0, failed_executions: 1 });
  });

  it('waits in a delay as a delayed job and resumes after it', async () => {
    const wf = await publish(
      definition(manualTrigger, [
        {
          key: 'pause',
          type: 'delay',
          service: 'logic',
          component: 'delay',
          config: { mode: 'for', amount: 1, unit: 'seconds' },
        },
        probe('after_pause'),
      ]),
    );
    const started = await runManual(wf.id, {}, false);
    expect(started.statusCode).toBe(202);
    const id = started.json().executionId as string;
    await until(
      () => execution(id),
      (e) => e.status === 'waiting',
    );
    const run = await finished(id);
    expect(run.status).toBe('success');
    expect((await steps(id)).map((s) => [s.node_key, s.status])).toEqual([
      ['pause', 'success'],
      ['after_pause', 'success'],
    ]);
  });

  it('cancels a running step through its signal', async () => {
    const wf = await publish(
      definition(manualTrigger, [{ key: 'stuck', service: 'probe', component: 'hang', config: {} }]),
    );
    const started = await runManual(wf.id, {}, false);
    const id = started.json().executionId as string;
    await until(
      () => steps(id),
      () => true,
    );
    await until(
      () => execution(id),
      (e) => e.status === 'running',
    );
    await new Promise((r) => setTimeout(r, 50));
    const cancel = await t.server.inject({
      method: 'POST',
      url: `/api/v1/executions/${id}/cancel`,
      headers: user.headers,
    });
    expect(cancel.statusCode).toBe(200);
    await until(
      () => steps(id),
      (s) => s[0]?.status === 'cancelled',
    );
    expect((await execution(id)).status).toBe('cancelled');
  });
});

describe('concurrency', () => {
  it('holds a run back while the workflow has as many runs as its limit', async () => {
    const wf = await publish(
      definition(
        manualTrigger,
        [{ key: 'stuck', service: 'probe', component: 'hang', config: {} }],
        undefined,
        {
          concurrency: 1,
        },
      ),
    );
    const first = (await runManual(wf.id, {}, false)).json().executionId as string;
    await until(
      () => execution(first),
      (e) => e.status === 'running',
    );
    const second = (await runManual(wf.id, {}, false)).json().executionId as string;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await execution(second)).status).toBe('pending');
    await t.server.inject({
      method: 'POST',
      url: `/api/v1/executions/${first}/cancel`,
      headers: user.headers,
    });
    await until(
      () => execution(second),
      (e) => e.status === 'running',
    );
    await t.server.inject({
      method: 'POST',
      url: `/api/v1/executions/${second}/cancel`,
      headers: user.headers,
    });
    expect((await finished(second)).status).toBe('cancelled');
  });
});

describe('credits', () => {
  it('records a run over the credit limit as skipped with the reason', async () => {
    const poor = await createTestUser(t);
    await t.ctx.db
      .updateTable('users')
      .set({ credits_limit: 1, credits_used: 0 })
      .where('id', '=', poor.id)
      .execute();
    const wf = await insertPublishedWorkflow(t.ctx.db, poor.id, definition(manualTrigger, []));
    const run = (wait: boolean) =>
      t.server.inject({
        method: 'POST',
        url: `/api/v1/workflows/${wf.id}/run`,
        headers: poor.headers,
        payload: { wait },
      });
    expect((await run(true)).json().status).toBe('success');
    const over = await run(false);
    const skipped = await execution(over.json().executionId);
    expect(skipped.status).toBe('skipped');
    expect(skipped.error_message).toContain('credit');
    const account = await t.ctx.db
      .selectFrom('users')
      .select('credits_used')
      .where('id', '=', poor.id)
      .executeTakeFirstOrThrow();
    expect(account.credits_used).toBe(1);
  });
});

describe('executions API', () => {
  it('lists with filters and keyset pages, reads steps and logs, retries, re-runs and deletes', async () => {
    const gateName = `gate-${Date.now()}`;
    openGate('open');
    const wf = await publish(
      definition(manualTrigger, [
        { key: 'first', service: 'probe', component: 'flaky', config: { value: 1 } },
        { key: 'second', service: 'probe', component: 'gate', config: { name: '{{ trigger.input.gate }}' } },
      ]),
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await runManual(wf.id, { gate: i === 0 ? gateName : 'open' })).json().executionId);
    openGate(gateName);

    const page1 = await t.server.inject({
      url: `/api/v1/executions?workflowId=${wf.id}&limit=2`,
      headers: user.headers,
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    const page2 = await t.server.inject({
      url: `/api/v1/executions?workflowId=${wf.id}&limit=2&cursor=${page1.json().nextCursor}`,
      headers: user.headers,
    });
    expect(page2.json()).toEqual({
      items: [expect.objectContaining({ id: ids[0], status: 'failed' })],
      nextCursor: null,
    });
    const failedOnly = await t.server.inject({
      url: `/api/v1/executions?workflowId=${wf.id}&status=failed`,
      headers: user.headers,
    });
    expect(failedOnly.json().items).toHaveLength(1);

    const detail = await t.server.inject({ url: `/api/v1/executions/${ids[0]}`, headers: user.headers });
    expect(detail.json()).toMatchObject({
      status: 'failed',
      errorNodeKey: 'second',
      triggerData: { input: { gate: gateName } },
    });
    expect(detail.json().steps.map((s: { nodeKey: string }) => s.nodeKey)).toEqual(['first', 'second']);
    expect(detail.json().logs.length).toBeGreaterThan(0);

    const rerun = await t.server.inject({
      method: 'POST',
      url: `/api/v1/executions/${ids[0]}/rerun`,
      headers: user.headers,
    });
    expect(rerun.statusCode).toBe(202);
    const rerunId = rerun.json().executionId as string;
    const rerunRun = await finished(rerunId);
    expect(rerunRun).toMatchObject({ status: 'success', retry_of: ids[0], mode: 'rerun' });
    const copied = await steps(rerunId);
    const originalFirst = (await steps(ids[0] as string))[0];
    // The step that had succeeded is carried over, not run again.
    expect(copied.find((s) => s.node_key === 'first')?.started_at).toEqual(originalFirst?.started_at);

    const retry = await t.server.inject({
      method: 'POST',
      url: `/api/v1/executions/${ids[1]}/retry`,
      headers: user.headers,
    });
    const retried = await finished(retry.json().executionId);
    expect(retried).toMatchObject({ status: 'success', retry_of: ids[1], mode: 'retry' });

    const other = await createTestUser(t);
    const hidden = await t.server.inject({ url: `/api/v1/executions/${ids[0]}`, headers: other.headers });
    expect(hidden.statusCode).toBe(404);

    const removed = await t.server.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${ids[0]}`,
      headers: user.headers,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await t.server.inject({ url: `/api/v1/executions/${ids[0]}`, headers: user.headers });
    expect(gone.statusCode).toBe(404);
  });
});

describe('schedules', () => {
  it('fires an interval schedule once per slot', async () => {
    const wf = await publish(
      definition(
        { key: 'tick', service: 'schedule', component: 'interval', config: { every: 1, unit: 'seconds' } },
        [],
      ),
    );
    const runs = await until(
      () =>
        t.ctx.db
          .selectFrom('executions')
          .select(['idempotency_key', 'mode'])
          .where('workflow_id', '=', wf.id)
          .execute(),
      (rows) => rows.length >= 2,
    );
    expect(runs.every((r) => r.mode === 'schedule')).toBe(true);
    expect(new Set(runs.map((r) => r.idempotency_key)).size).toBe(runs.length);
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
  });

  it('reads the active triggers again only when an active workflow or its version changed', async () => {
    const reader = new ActiveTriggerReader(t.ctx.db, 0);
    const ids = (list: { workflowId: string }[]) => list.map((a) => a.workflowId);
    const cron = { key: 'tick', service: 'schedule', component: 'cron', config: { expression: '0 3 * * *' } };
    const first = await reader.read();
    expect(await reader.read()).toBe(first);

    const wf = await publish(definition(cron, []));
    const added = await reader.read();
    expect(ids(added)).toContain(wf.id);
    expect(added.find((a) => a.workflowId === wf.id)?.trigger.config).toEqual(cron.config);
    expect(await reader.read()).toBe(added);

    // A new version published and activated: the same workflow, another trigger.
    const daily = { ...cron, config: { expression: '0 4 * * *' } };
    const v2 = await t.ctx.db
      .insertInto('workflow_versions')
      .values({
        workflow_id: wf.id,
        version: 2,
        name: 'v2',
        definition: JSON.stringify(definition(daily, [])),
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('workflows')
      .set({ version: 2, active_version: 2 })
      .where('id', '=', wf.id)
      .execute();
    const republished = (await reader.read()).find((a) => a.workflowId === wf.id);
    expect(republished).toMatchObject({ versionId: v2.id, trigger: { config: daily.config } });

    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
    expect(ids(await reader.read())).not.toContain(wf.id);

    // Looks close together share one answer.
    const shared = new ActiveTriggerReader(t.ctx.db, 60_000);
    const once = await shared.read();
    await publish(definition(cron, []));
    expect(await shared.read()).toBe(once);
  });

  it('fires a slot of many schedules in batches, and every run starts and ends', async () => {
    const count = 1_200;
    await t.ctx.db.updateTable('users').set({ credits_limit: 1_000_000 }).where('id', '=', user.id).execute();
    // An hourly schedule whose slot was a minute ago: missed, and not due again during the test.
    const minute = 60_000;
    const toTurn = minute - (Date.now() % minute);
    if (toTurn < 5_000) await new Promise((r) => setTimeout(r, toTurn + 100));
    const latest = new Date(Math.floor(Date.now() / minute) * minute - minute);
    const def = definition(
      {
        key: 'tick',
        service: 'schedule',
        component: 'cron',
        config: { expression: `${latest.getUTCMinutes()} * * * *` },
      },
      [{ key: 'noop', service: 'probe', component: 'flaky', config: { value: 1 } }],
    );
    const made = await sql<{ id: string }>`
      WITH w AS (
        INSERT INTO workflows (user_id, name, status, version, active_version)
        SELECT ${user.id}, 'many ' || g, 'active', 1, 1 FROM generate_series(1, ${count}::int) g
        RETURNING id)
      INSERT INTO workflow_versions (workflow_id, version, name, definition, created_by)
      SELECT id, 1, 'many', ${JSON.stringify(def)}::jsonb, ${user.id} FROM w RETURNING workflow_id AS id`.execute(
      t.ctx.db,
    );
    const ids = made.rows.map((r) => r.id);
    await sql`
      INSERT INTO hook_states (workflow_id, state_key, state_value)
      SELECT id, ${LAST_SLOT_KEY}, ${new Date(latest.getTime() - 60 * minute).toISOString()}
      FROM unnest(${ids}::uuid[]) id`.execute(t.ctx.db);
    // The catch-up fires that slot of all of them at once, started in this process.
    const engine = engineOf(t.ctx);
    await new Scheduler({
      db: t.ctx.db,
      queue: engine.queue,
      log: t.ctx.log,
      creditCost: 1,
      here: engine.here,
      catchUp: true,
      catalog: () => engine.catalog(),
    }).refresh();
    const summary = async () => {
      const rows = await sql<{ status: string; started: boolean; n: number }>`
        SELECT status, started_at IS NOT NULL AS started, count(*)::int AS n FROM executions
        WHERE workflow_id = ANY(${ids}::uuid[]) AND idempotency_key = ${`schedule:${latest.toISOString()}`}
        GROUP BY 1, 2`.execute(t.ctx.db);
      return rows.rows;
    };
    expect(
      await until(summary, (rows) => rows.length === 1 && rows[0]?.status === 'success', 30_000),
    ).toEqual([{ status: 'success', started: true, n: count }]);
    const recorded = await sql<{ state_value: string; n: number }>`
      SELECT state_value, count(*)::int AS n FROM hook_states
      WHERE workflow_id = ANY(${ids}::uuid[]) AND state_key = ${LAST_SLOT_KEY} GROUP BY 1`.execute(t.ctx.db);
    expect(recorded.rows).toEqual([{ state_value: latest.toISOString(), n: count }]);
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', 'in', ids).execute();
  }, 60_000);

  it('fires the latest slot missed while stopped once, and records it as fired', async () => {
    const wf = await publish(
      definition(
        { key: 'tick', service: 'schedule', component: 'cron', config: { expression: '* * * * *' } },
        [],
      ),
    );
    // The scheduler last fired this schedule five minutes ago; it was stopped since. (Not right at a
    // minute's turn, so that the latest slot stays the same during the test.)
    const minute = 60_000;
    const toTurn = minute - (Date.now() % minute);
    if (toTurn < 5_000) await new Promise((r) => setTimeout(r, toTurn + 100));
    const latest = new Date(Math.floor(Date.now() / minute) * minute);
    const before = new Date(latest.getTime() - 5 * minute);
    await t.ctx.db
      .insertInto('hook_states')
      .values({ workflow_id: wf.id, state_key: LAST_SLOT_KEY, state_value: before.toISOString() })
      .execute();
    const schedulerAfterStop = () =>
      new Scheduler({
        db: t.ctx.db,
        queue: engineOf(t.ctx).queue,
        log: t.ctx.log,
        creditCost: 1,
        catchUp: true,
        catalog: () => engineOf(t.ctx).catalog(),
      });
    const runsOf = () =>
      t.ctx.db
        .selectFrom('executions')
        .select(['idempotency_key', 'metadata'])
        .where('workflow_id', '=', wf.id)
        .where('idempotency_key', 'like', 'schedule:%')
        .execute();
    const lastSlot = () =>
      t.ctx.db
        .selectFrom('hook_states')
        .select('state_value')
        .where('workflow_id', '=', wf.id)
        .where('state_key', '=', LAST_SLOT_KEY)
        .executeTakeFirstOrThrow();

    await schedulerAfterStop().refresh();
    const missed = await runsOf();
    expect(missed.filter((r) => r.idempotency_key === `schedule:${latest.toISOString()}`)).toHaveLength(1);
    expect(missed.some((r) => r.idempotency_key === `schedule:${before.toISOString()}`)).toBe(false);
    expect((await lastSlot()).state_value).toBe(latest.toISOString());

    // Another start finds the slot fired: no second run for it, even when its record is behind.
    await t.ctx.db
      .updateTable('hook_states')
      .set({ state_value: before.toISOString() })
      .where('workflow_id', '=', wf.id)
      .where('state_key', '=', LAST_SLOT_KEY)
      .execute();
    await schedulerAfterStop().refresh();
    const again = await runsOf();
    expect(again.filter((r) => r.idempotency_key === `schedule:${latest.toISOString()}`)).toHaveLength(1);
    expect((await lastSlot()).state_value).toBe(latest.toISOString());
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
  });
});

describe('polling', () => {
  it('starts one run per new item and shows a failing poll on the workflow', async () => {
    const feed = `feed-${Date.now()}`;
    feeds.set(feed, [
      { id: 'a', text: 'first' },
      { id: 'b', text: 'second' },
    ]);
    const wf = await publish(
      definition({ key: 'poll', service: 'probe', component: 'feed', config: { feed } }, []),
    );
    const poller = new Poller({
      db: t.ctx.db,
      queue: engineOf(t.ctx).queue,
      log: t.ctx.log,
      creditCost: 1,
      catalog: () => engineOf(t.ctx).catalog(),
      stopping: t.ctx.stopping,
      publicUrl: 'http://area.test',
    });
    await poller.refresh();
    await poller.pollNow(wf.id);
    await poller.pollNow(wf.id);
    const runsOf = () =>
      t.ctx.db
        .selectFrom('executions')
        .select(['trigger_data', 'mode'])
        .where('workflow_id', '=', wf.id)
        .execute();
    expect((await runsOf()).map((r) => (r.trigger_data as { id: string }).id).sort()).toEqual(['a', 'b']);
    feeds.get(feed)?.push({ id: 'c', text: 'third' });
    await poller.pollNow(wf.id);
    expect((await runsOf()).map((r) => (r.trigger_data as { id: string }).id).sort()).toEqual([
      'a',
      'b',
      'c',
    ]);

    failingFeeds.add(feed);
    await poller.pollNow(wf.id);
    const broken = await t.ctx.db
      .selectFrom('workflows')
      .select('trigger_error')
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(broken.trigger_error).toContain(`feed ${feed} is down`);
    failingFeeds.delete(feed);
    await poller.pollNow(wf.id);
    const healed = await t.ctx.db
      .selectFrom('workflows')
      .select('trigger_error')
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(healed.trigger_error).toBeNull();
    expect((await runsOf()).every((r) => r.mode === 'polling')).toBe(true);
    await t.ctx.db.updateTable('workflows').set({ status: 'paused' }).where('id', '=', wf.id).execute();
  });
});

describe('retention', () => {
  it('deletes finished runs older than the limit and beyond the count per workflow, never unfinished ones', async () => {
    const wf = await publish(definition(manualTrigger, []));
    const old = new Date(Date.now() - 40 * 86_400_000);
    const rows = await t.ctx.db
      .insertInto('executions')
      .values([
        { workflow_id: wf.id, user_id: user.id, status: 'success', mode: 'manual', created_at: old },
        { workflow_id: wf.id, user_id: user.id, status: 'running', mode: 'manual', created_at: old },
        ...Array.from({ length: 4 }, (_, i) => ({
          workflow_id: wf.id,
          user_id: user.id,
          status: 'success' as const,
          mode: 'manual' as const,
          created_at: new Date(Date.now() - (10 - i) * 1000),
        })),
      ])
      .returning(['id', 'status', 'created_at'])
      .execute();
    const result = await pruneExecutions({ db: t.ctx.db, log: t.ctx.log, days: 30, perWorkflow: 3 });
    expect(result.byAge).toBeGreaterThanOrEqual(1);
    const left = await t.ctx.db
      .selectFrom('executions')
      .select(['id', 'status'])
      .where('workflow_id', '=', wf.id)
      .execute();
    const leftIds = new Set(left.map((r) => r.id));
    expect(leftIds.has(rows[0]?.id as string)).toBe(false);
    expect(leftIds.has(rows[1]?.id as string)).toBe(true);
    // The running one counts among the 3 most recent it is not; the newest finished ones stay.
    expect(leftIds.has(rows[5]?.id as string)).toBe(true);
    expect(leftIds.has(rows[4]?.id as string)).toBe(true);
    expect(leftIds.has(rows[2]?.id as string)).toBe(false);
  });
});
