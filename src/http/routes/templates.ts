import { Type } from 'typebox';
import { ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { auditFromRequest } from '../../audit/record-audit.ts';
import { INTEGRATION_GALLERY } from '../../integrations/all-galleries.ts';
import { BUILT_IN_TEMPLATES } from '../../workflows/built-in-templates.ts';
import { ConfigChecker } from '../../workflows/config-checker.ts';
import type { WorkflowDeps } from '../../workflows/save-workflow.ts';
import {
  createTemplateFromWorkflow,
  Difficulty,
  deleteTemplate,
  findVisibleTemplate,
  listTemplates,
  syncBuiltInTemplates,
  TemplateView,
  templateView,
  useTemplate,
} from '../../workflows/templates.ts';
import { WorkflowDetail, workflowView } from '../../workflows/workflow-view.ts';
import { principalOf, requireAuth } from '../auth.ts';
import type { RouteModule } from '../route-module.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const tags = ['templates'];

export const templateRoutes: RouteModule = (app, ctx) => {
  const deps: WorkflowDeps = { db: ctx.db, checker: new ConfigChecker(), catalog: ctx.catalog };
  const auth = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  const read = requireAuth(auth, 'workflows:read');
  const write = requireAuth(auth, 'workflows:write');

  // The gallery ships with the code: bring the table in step before the first request.
  app.addHook('onReady', async () => {
    await syncBuiltInTemplates(
      ctx.db,
      [...BUILT_IN_TEMPLATES, ...INTEGRATION_GALLERY],
      (key) => ctx.catalog.service(key) !== undefined,
    );
  });

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'The template gallery: public templates and your own',
        querystring: Type.Object({
          ...PageQuery,
          category: Type.Optional(Type.String({ maxLength: 50 })),
          difficulty: Type.Optional(Difficulty),
          service: Type.Optional(
            Type.Union(
              [
                Type.String({ maxLength: 100 }),
                Type.Array(Type.String({ maxLength: 100 }), { maxItems: 10 }),
              ],
              {
                description: 'only templates that use this service (repeat for several)',
              },
            ),
          ),
          featured: Type.Optional(Type.Boolean()),
          q: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(TemplateView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      return listTemplates(ctx.db, principalOf(request).userId, {
        category: q.category,
        difficulty: q.difficulty,
        services: q.service === undefined ? undefined : Array.isArray(q.service) ? q.service : [q.service],
        featured: q.featured,
        search: q.q,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
    },
  );

  app.get(
    '/api/v1/templates/:id',
    {
      schema: { tags, summary: 'One template', params: IdParams, response: { 200: TemplateView, ...errors } },
      preHandler: read,
    },
    async (request) => {
      const userId = principalOf(request).userId;
      return templateView(await findVisibleTemplate(ctx.db, userId, request.params.id), userId);
    },
  );

  app.post(
    '/api/v1/templates/:id/use',
    {
      schema: {
        tags,
        summary: 'Make a draft workflow from a template; name your connections by node key or service',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
              connections: Type.Optional(Type.Record(Type.String(), Type.String({ format: 'uuid' }))),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 201: WorkflowDetail, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const saved = await useTemplate(
        deps,
        { userId: principalOf(request).userId, ...auditFromRequest(request) },
        request.params.id,
        { name: request.body?.name, connections: request.body?.connections },
      );
      return reply.status(201).send({
        ...workflowView(saved.row, ctx.config.publicUrl),
        definition: saved.definition,
        warnings: saved.warnings,
      });
    },
  );

  app.post(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Save one of your workflows as a template (private; admins may publish)',
        body: Type.Object(
          {
            workflowId: Type.String({ format: 'uuid' }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            description: Type.Optional(Type.String({ maxLength: 10_000 })),
            category: Type.String({ minLength: 1, maxLength: 50 }),
            difficulty: Type.Optional(Difficulty),
            isPublic: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: TemplateView, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const view = await createTemplateFromWorkflow(
        deps,
        { userId: principal.userId, isAdmin: principal.isAdmin, ...auditFromRequest(request) },
        request.body,
      );
      return reply.status(201).send(view);
    },
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a template you made',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await deleteTemplate(
        deps,
        { userId: principal.userId, isAdmin: principal.isAdmin, ...auditFromRequest(request) },
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
};
