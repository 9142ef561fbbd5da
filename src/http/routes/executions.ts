import { Type } from 'typebox';
import { publishedVersion } from '../../engine/active-triggers.ts';
import { engineOf } from '../../engine/engine.ts';
import {
  cancelExecution,
  deleteExecution,
  getExecution,
  listExecutions,
  retryExecution,
} from '../../engine/executions-store.ts';
import { type RunResult, startRun, waitForRun } from '../../engine/start-run.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const STATUSES = ['pending', 'running', 'waiting', 'success', 'failed', 'cancelled', 'skipped'] as const;
const Status = Type.Union(STATUSES.map((s) => Type.Literal(s)));
const Uuid = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Uuid });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ExecutionSummary = Type.Object({
  id: Type.String(),
  workflowId: Type.String(),
  workflowVersion: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String(),
  mode: Type.String(),
  errorMessage: Nullable(Type.String()),
  errorNodeKey: Nullable(Type.String()),
  totalSteps: Type.Integer(),
  completedSteps: Type.Integer(),
  failedSteps: Type.Integer(),
  creditsUsed: Type.Integer(),
  retryOf: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  completedAt: Nullable(Type.String()),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  createdAt: Type.String(),
});

const Step = Type.Object({
  nodeKey: Type.String(),
  status: Type.String(),
  attemptCount: Type.Integer(),
  input: Type.Unknown(),
  output: Type.Unknown(),
  error: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
});

const Log = Type.Object({
  nodeKey: Nullable(Type.String()),
  level: Type.String(),
  message: Type.String(),
  data: Type.Unknown(),
  createdAt: Type.String(),
});

const ExecutionDetail = Type.Intersect([
  ExecutionSummary,
  Type.Object({
    triggerData: Type.Unknown(),
    output: Type.Unknown(),
    steps: Type.Array(Step),
    logs: Type.Array(Log),
  }),
]);

const Accepted = Type.Object({ executionId: Type.String(), status: Type.String() });
const RunAnswer = Type.Object({
  executionId: Type.String(),
  status: Type.String(),
  output: Type.Optional(Type.Unknown()),
  errorMessage: Type.Optional(Nullable(Type.String())),
  errorNodeKey: Type.Optional(Nullable(Type.String())),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type SummaryRow = Awaited<ReturnType<typeof listExecutions>>['rows'][number];

function summary(row: SummaryRow) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowVersion: row.workflow_version,
    status: row.status,
    mode: row.mode,
    errorMessage: row.error_message,
    errorNodeKey: row.error_node_key,
    totalSteps: row.total_steps,
    completedSteps: row.completed_steps,
    failedSteps: row.failed_steps,
    creditsUsed: row.credits_used,
    retryOf: row.retry_of,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    durationMs: row.duration_ms,
    createdAt: row.created_at.toISOString(),
  };
}

function runAnswer(result: RunResult) {
  return {
    executionId: result.id,
    status: result.status,
    output: result.output,
    errorMessage: result.errorMessage,
    errorNodeKey: result.errorNodeKey,
  };
}

/** Runs: list, read with steps and logs, cancel, retry, re-run from the failed step, delete; manual runs. */
export const executionRoutes: RouteModule = (app, ctx) => {
  const deps = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  const read = requireAuth(deps, 'executions:read');
  const write = requireAuth(deps, 'executions:write');

  app.get(
    '/api/v1/executions',
    {
      preHandler: read,
      schema: {
        tags: ['executions'],
        summary: 'List runs, newest first',
        querystring: Type.Object({
          workflowId: Type.Optional(Uuid),
          status: Type.Optional(Status),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Uuid),
        }),
        response: {
          200: Type.Object({ items: Type.Array(ExecutionSummary), nextCursor: Nullable(Type.String()) }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, nextCursor } = await listExecutions(ctx.db, {
        userId: principalOf(request).userId,
        workflowId: q.workflowId,
        status: q.status,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { items: rows.map(summary), nextCursor };
    },
  );

  app.get(
    '/api/v1/executions/:id',
    {
      preHandler: read,
      schema: {
        tags: ['executions'],
        summary: 'A run with its steps and logs',
        params: IdParams,
        response: { 200: ExecutionDetail },
      },
    },
    async (request) => {
      const found = await getExecution(ctx.db, principalOf(request).userId, request.params.id);
      if (!found) throw AppError.notFound('Execution');
      const { execution, steps, logs } = found;
      return {
        ...summary(execution),
        triggerData: execution.trigger_data,
        output: execution.output,
        steps: steps.map((s) => ({
          nodeKey: s.node_key,
          status: s.status,
          attemptCount: s.attempt_count,
          input: s.input,
          output: s.output,
          error: s.error,
          startedAt: iso(s.started_at),
          finishedAt: iso(s.finished_at),
          durationMs: s.duration_ms,
        })),
        logs: logs.map((l) => ({
          nodeKey: l.node_key,
          level: l.log_level,
          message: l.message,
          data: l.data,
          createdAt: l.created_at.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/api/v1/executions/:id/cancel',
    {
      preHandler: write,
      schema: {
        tags: ['executions'],
        summary: 'Cancel an unfinished run (its running step is aborted)',
        params: IdParams,
        response: { 200: Accepted },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      const done = await cancelExecution(engineOf(ctx), ctx.db, userId, request.params.id);
      if (!done) {
        const found = await getExecution(ctx.db, userId, request.params.id);
        if (!found) throw AppError.notFound('Execution');
        throw new AppError('conflict', `The run already ended (${found.execution.status})`, {
          details: { problems: [{ path: 'id', rule: 'state', message: `run is ${found.execution.status}` }] },
        });
      }
      return { executionId: request.params.id, status: 'cancelled' };
    },
  );

  for (const [suffix, fromFailedStep, summaryText] of [
    ['retry', false, 'Run again with the same input (a new, linked run)'],
    ['rerun', true, 'Run again from the failed step, keeping the steps that succeeded'],
  ] as const) {
    app.post(
      `/api/v1/executions/:id/${suffix}`,
      {
        preHandler: write,
        schema: { tags: ['executions'], summary: summaryText, params: IdParams, response: { 202: Accepted } },
      },
      async (request, reply) => {
        const result = await retryExecution(
          engineOf(ctx),
          ctx.db,
          principalOf(request).userId,
          request.params.id,
          fromFailedStep,
        );
        if (result === 'not_found') throw AppError.notFound('Execution');
        if (result === 'not_finished') {
          throw new AppError('conflict', 'The run has not ended yet', {
            details: { problems: [{ path: 'id', rule: 'state', message: 'run has not ended' }] },
          });
        }
        if (result === 'no_version') {
          throw new AppError('gone', 'The workflow version of this run no longer exists', {
            details: { problems: [{ path: 'id', rule: 'version', message: 'version deleted' }] },
          });
        }
        return reply.status(202).send({ executionId: result.executionId, status: result.status });
      },
    );
  }

  app.delete(
    '/api/v1/executions/:id',
    {
      preHandler: write,
      schema: { tags: ['executions'], summary: 'Delete a run and its record', params: IdParams },
    },
    async (request, reply) => {
      const done = await deleteExecution(
        engineOf(ctx),
        ctx.db,
        principalOf(request).userId,
        request.params.id,
      );
      if (!done) throw AppError.notFound('Execution');
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/workflows/:id/run',
    {
      preHandler: write,
      schema: {
        tags: ['executions'],
        summary: 'Run a workflow by hand with input',
        description:
          'Runs the published version. With wait=true the answer is the finished run (or 202 if it takes longer).',
        params: IdParams,
        body: Type.Optional(
          Type.Object({
            input: Type.Optional(Type.Unknown()),
            wait: Type.Optional(Type.Boolean()),
            idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          }),
        ),
        response: { 200: RunAnswer, 202: Accepted },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).userId;
      const published = await publishedVersion(ctx.db, request.params.id, userId);
      if (!published) throw AppError.notFound('Workflow');
      const body = request.body ?? {};
      const engine = engineOf(ctx);
      const component = engine.catalog()?.component(published.trigger.service, published.trigger.component);
      const input = body.input ?? {};
      const triggerData =
        component?.kind === 'trigger' && component.definition.mode === 'manual'
          ? component.definition.manual.toEvent(input, published.trigger.config as never)
          : input;
      const accepted = await startRun(engine, published, triggerData, {
        mode: 'manual',
        idempotencyKey: body.idempotencyKey,
      });
      if (body.wait) {
        const result = await waitForRun(engine, ctx.db, accepted, ctx.config.engine.webhookWaitMs);
        if (result?.finished) return reply.status(200).send(runAnswer(result));
      }
      return reply.status(202).send({ executionId: accepted.executionId, status: accepted.status });
    },
  );
};
