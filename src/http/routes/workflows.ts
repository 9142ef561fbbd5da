import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { auditFromRequest } from '../../audit/record-audit.ts';
import { activateWithTrigger, restoreWithTrigger, stopWithTrigger } from '../../engine/trigger-switch.ts';
import { ConfigChecker } from '../../workflows/config-checker.ts';
import { type DraftDefinition, WorkflowDefinitionInput } from '../../workflows/definition.ts';
import { listWorkflows } from '../../workflows/list-workflows.ts';
import { FieldProblemSchema } from '../../workflows/problem-schema.ts';
import { readWorkflowDetail, validateInput } from '../../workflows/read-workflow.ts';
import { withRunCounts } from '../../workflows/run-counts.ts';
import {
  type Actor,
  createWorkflow,
  updateWorkflow,
  type WorkflowDeps,
} from '../../workflows/save-workflow.ts';
import { getVersion, listVersions, VersionDetail, VersionSummary } from '../../workflows/versions.ts';
import {
  exportWorkflow,
  importWorkflow,
  WorkflowExport,
  WorkflowImport,
} from '../../workflows/workflow-export.ts';
import {
  archiveWorkflow,
  deleteWorkflow,
  duplicateWorkflow,
  pauseWorkflow,
} from '../../workflows/workflow-lifecycle.ts';
import { WorkflowDetail, WorkflowView, workflowView } from '../../workflows/workflow-view.ts';
import { principalOf, requireAuth } from '../auth.ts';
import type { FieldProblem } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('active'),
  Type.Literal('paused'),
  Type.Literal('archived'),
]);
const tags = ['workflows'];

function actorOf(request: FastifyRequest): Actor {
  return { userId: principalOf(request).userId, ...auditFromRequest(request) };
}

export const workflowRoutes: RouteModule = (app, ctx) => {
  const deps: WorkflowDeps = { db: ctx.db, checker: new ConfigChecker(), catalog: ctx.catalog };
  const auth = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  const read = requireAuth(auth, 'workflows:read');
  const write = requireAuth(auth, 'workflows:write');
  type Row = Parameters<typeof workflowView>[0];
  // Counters are read current (the row's columns plus their shards) for every view.
  const views = async (rows: readonly Row[]) =>
    (await withRunCounts(ctx.db, rows)).map((row) => workflowView(row, ctx.config.publicUrl));
  const view = async (row: Row) => (await views([row]))[0] as WorkflowView;
  const detail = async (row: Row, definition: DraftDefinition, warnings: FieldProblem[]) => ({
    ...(await view(row)),
    definition,
    warnings,
  });

  app.post(
    '/api/v1/workflows',
    {
      schema: {
        tags,
        summary:
          'Create a draft workflow from a definition (problems a draft may have come back as warnings)',
        body: WorkflowDefinitionInput,
        response: { 201: WorkflowDetail, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const saved = await createWorkflow(deps, actorOf(request), request.body);
      return reply.status(201).send(await detail(saved.row, saved.definition, saved.warnings));
    },
  );

  app.get(
    '/api/v1/workflows',
    {
      schema: {
        tags,
        summary: 'List your workflows, newest first',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          tag: Type.Optional(Type.String({ maxLength: 50 })),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'words in the name or description' })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(WorkflowView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listWorkflows(ctx.db, principalOf(request).userId, {
        status: q.status,
        tag: q.tag,
        search: q.q,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { items: await views(page.rows), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/workflows/import',
    {
      schema: {
        tags,
        summary: 'Create a draft from an exported definition; name your connections by node key or service',
        body: WorkflowImport,
        response: { 201: WorkflowDetail, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const saved = await importWorkflow(deps, actorOf(request), request.body);
      return reply.status(201).send(await detail(saved.row, saved.definition, saved.warnings));
    },
  );

  app.get(
    '/api/v1/workflows/:id',
    {
      schema: {
        tags,
        summary: 'A workflow with its draft graph and what the draft still lacks',
        params: IdParams,
        response: { 200: WorkflowDetail, ...errors },
      },
      preHandler: read,
    },
    async (request) => {
      const found = await readWorkflowDetail(deps, principalOf(request).userId, request.params.id);
      return await detail(found.row, found.definition, found.warnings);
    },
  );

  app.put(
    '/api/v1/workflows/:id',
    {
      schema: {
        tags,
        summary:
          'Replace the draft (name, tags, settings, graph with positions); published versions stay as they are',
        params: IdParams,
        body: WorkflowDefinitionInput,
        response: { 200: WorkflowDetail, ...errors },
      },
      preHandler: write,
    },
    async (request) => {
      const saved = await updateWorkflow(deps, actorOf(request), request.params.id, request.body);
      return await detail(saved.row, saved.definition, saved.warnings);
    },
  );

  app.delete(
    '/api/v1/workflows/:id',
    {
      schema: {
        tags,
        summary: 'Delete a workflow (soft: its run history stays)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await stopWithTrigger(ctx, actor.userId, request.params.id, () =>
        deleteWorkflow(deps, actor, request.params.id),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/workflows/:id/activate',
    {
      schema: {
        tags,
        summary: 'Validate the draft strictly and run it: publishes an immutable version (all or nothing)',
        params: IdParams,
        response: {
          200: Type.Intersect([WorkflowView, Type.Object({ published: Type.Boolean() })]),
          409: ErrorResponse,
          ...errors,
        },
      },
      preHandler: write,
    },
    async (request) => {
      const { row, published } = await activateWithTrigger(ctx, deps, actorOf(request), request.params.id);
      return { ...(await view(row)), published };
    },
  );

  for (const [verb, action] of [
    ['pause', pauseWorkflow],
    ['archive', archiveWorkflow],
  ] as const) {
    app.post(
      `/api/v1/workflows/:id/${verb}`,
      {
        schema: {
          tags,
          summary:
            verb === 'pause'
              ? 'Stop starting new runs (activate resumes)'
              : 'Archive a workflow: it no longer runs',
          params: IdParams,
          response: { 200: WorkflowView, 409: ErrorResponse, ...errors },
        },
        preHandler: write,
      },
      async (request) => {
        const actor = actorOf(request);
        const id = request.params.id;
        return await view(await stopWithTrigger(ctx, actor.userId, id, () => action(deps, actor, id)));
      },
    );
  }

  app.post(
    '/api/v1/workflows/:id/duplicate',
    {
      schema: {
        tags,
        summary: 'Copy a workflow into a new draft',
        params: IdParams,
        body: Type.Optional(
          Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        ),
        response: { 201: WorkflowDetail, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const saved = await duplicateWorkflow(deps, actorOf(request), request.params.id, request.body?.name);
      return reply.status(201).send(await detail(saved.row, saved.definition, saved.warnings));
    },
  );

  app.get(
    '/api/v1/workflows/:id/versions',
    {
      schema: {
        tags,
        summary: 'The published versions of a workflow, newest first',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(VersionSummary) }), ...errors },
      },
      preHandler: read,
    },
    async (request) => ({
      items: await listVersions(ctx.db, principalOf(request).userId, request.params.id),
    }),
  );

  const VersionParams = Type.Object({ id: Type.String({ format: 'uuid' }), n: Type.Integer({ minimum: 1 }) });

  app.get(
    '/api/v1/workflows/:id/versions/:n',
    {
      schema: {
        tags,
        summary: 'One published version with its definition',
        params: VersionParams,
        response: { 200: VersionDetail, ...errors },
      },
      preHandler: read,
    },
    async (request) => getVersion(ctx.db, principalOf(request).userId, request.params.id, request.params.n),
  );

  app.post(
    '/api/v1/workflows/:id/versions/:n/restore',
    {
      schema: {
        tags,
        summary: 'Make an old version the draft and a new version (the old one is never changed)',
        params: VersionParams,
        response: {
          200: Type.Intersect([WorkflowDetail, Type.Object({ restoredVersion: Type.Integer() })]),
          ...errors,
        },
      },
      preHandler: write,
    },
    async (request) => {
      const { row, definition, version } = await restoreWithTrigger(
        ctx,
        deps,
        actorOf(request),
        request.params.id,
        request.params.n,
      );
      return { ...(await detail(row, definition, [])), restoredVersion: version };
    },
  );

  app.get(
    '/api/v1/workflows/:id/export',
    {
      schema: {
        tags,
        summary: 'The draft as a portable document: no credentials, connections listed by service',
        params: IdParams,
        response: { 200: WorkflowExport, ...errors },
      },
      preHandler: read,
    },
    async (request) => exportWorkflow(deps, principalOf(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/workflows/validate',
    {
      schema: {
        tags,
        summary: 'Check a definition as activation would, without saving it',
        body: WorkflowDefinitionInput,
        response: {
          200: Type.Object({ ok: Type.Boolean(), errors: Type.Array(FieldProblemSchema) }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) => {
      return validateInput(deps, principalOf(request).userId, request.body);
    },
  );
};
