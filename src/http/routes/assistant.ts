import { Type } from 'typebox';
import { ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { acceptProposal } from '../../assistant/accept-proposal.ts';
import { type AssistantDeps, completeTurn, prepareTurn } from '../../assistant/answer-message.ts';
import {
  ChatSessionDetail,
  ChatSessionView,
  IntentSchema,
  messageView,
  SessionStatusSchema,
  sessionView,
} from '../../assistant/assistant-views.ts';
import { searchAssistant } from '../../assistant/message-search.ts';
import { providerFromConnection, providerFromSettings } from '../../assistant/resolve-provider.ts';
import {
  createSession,
  getSession,
  listMessages,
  listSessions,
  updateSession,
} from '../../assistant/session-store.ts';
import { SseWriter } from '../../assistant/sse-writer.ts';
import { auditFromRequest } from '../../audit/record-audit.ts';
import { ConfigChecker } from '../../workflows/config-checker.ts';
import { FieldProblemSchema } from '../../workflows/problem-schema.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const tags = ['assistant'];
const Uuid = Type.String({ format: 'uuid' });

const CreateSessionBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    intent: Type.Optional(IntentSchema),
    workflowId: Type.Optional(Uuid),
    connectionId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'one of your AI connections (OpenAI, Anthropic, Gemini, ...) to talk through',
      }),
    ),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const MessageBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 20_000 }),
    workflowId: Type.Optional(
      Type.String({ format: 'uuid', description: 'a workflow of yours to explain or change' }),
    ),
    executionId: Type.Optional(Type.String({ format: 'uuid', description: 'a run of yours to diagnose' })),
  },
  { additionalProperties: false },
);

const SearchHitView = Type.Object({
  kind: Type.Union([Type.Literal('message'), Type.Literal('template')]),
  id: Type.String(),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  snippet: Type.String(),
  score: Type.Number(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const assistantRoutes: RouteModule = (app, ctx) => {
  const checker = new ConfigChecker();
  const deps: AssistantDeps = {
    db: ctx.db,
    keys: ctx.keys,
    config: ctx.config,
    log: ctx.log,
    catalog: ctx.catalog,
    checker,
  };
  const auth = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  const read = requireAuth(auth, 'workflows:read');
  const write = requireAuth(auth, 'workflows:write');

  app.get(
    '/api/v1/assistant/status',
    {
      schema: {
        tags,
        summary:
          "Whether the admin's model is configured (otherwise a session needs one of your AI connections)",
        response: {
          200: Type.Object({
            configured: Type.Boolean(),
            provider: Type.Union([Type.String(), Type.Null()]),
            model: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorResponse,
        },
      },
      preHandler: read,
    },
    async () => {
      const provider = providerFromSettings(ctx.config.assistant);
      return {
        configured: provider !== undefined,
        provider: provider?.kind ?? null,
        model: provider?.model ?? null,
      };
    },
  );

  app.post(
    '/api/v1/assistant/sessions',
    {
      schema: {
        tags,
        summary: 'Start a conversation with the assistant',
        body: CreateSessionBody,
        response: { 201: ChatSessionView, ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const body = request.body;
      if (body.workflowId) {
        const owned = await ctx.db
          .selectFrom('workflows')
          .select('id')
          .where('id', '=', body.workflowId)
          .where('user_id', '=', userId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!owned) throw AppError.notFound('Workflow');
      }
      // Fails now (404, not an AI service) rather than at the first message.
      if (body.connectionId) await providerFromConnection(deps, userId, body.connectionId, body.model);
      const row = await createSession(ctx.db, userId, {
        name: body.name,
        intent: body.intent,
        workflowId: body.workflowId,
        context: {
          ...(body.connectionId ? { connectionId: body.connectionId } : {}),
          ...(body.model ? { model: body.model } : {}),
        },
      });
      return reply.status(201).send(sessionView(row));
    },
  );

  app.get(
    '/api/v1/assistant/sessions',
    {
      schema: {
        tags,
        summary: 'Your conversations, newest first',
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(SessionStatusSchema) }),
        response: {
          200: Type.Object({
            items: Type.Array(ChatSessionView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      const page = await listSessions(ctx.db, principalOf(request).userId, { limit, cursor, status });
      return { items: page.rows.map(sessionView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/assistant/sessions/:id',
    {
      schema: {
        tags,
        summary: 'A conversation with its messages',
        params: IdParams,
        response: { 200: ChatSessionDetail, ...errors },
      },
      preHandler: read,
    },
    async (request) => {
      const row = await getSession(ctx.db, principalOf(request).userId, request.params.id);
      const messages = await listMessages(ctx.db, row.id);
      return { ...sessionView(row), messages: messages.map(messageView) };
    },
  );

  app.post(
    '/api/v1/assistant/sessions/:id/archive',
    {
      schema: {
        tags,
        summary: 'Archive a conversation',
        params: IdParams,
        response: { 200: ChatSessionView, ...errors },
      },
      preHandler: write,
    },
    async (request) => {
      const row = await getSession(ctx.db, principalOf(request).userId, request.params.id);
      return sessionView(await updateSession(ctx.db, row.id, { status: 'archived' }));
    },
  );

  app.post(
    '/api/v1/assistant/sessions/:id/messages',
    {
      schema: {
        tags,
        summary:
          'Send a message; the answer streams as server-sent events: `token` {text} as it is written, `tool` {tool, ok, problems} after each validation, then `done` {messageId, text, proposal, questions, usage, model} or `error` {code, message}',
        params: IdParams,
        body: MessageBody,
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors, 503: ErrorResponse },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const prepared = await prepareTurn(deps, userId, request.params.id, request.body);
      const abort = new AbortController();
      reply.hijack();
      const sse = new SseWriter(reply.raw);
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      sse.open();
      try {
        const done = await completeTurn(deps, userId, prepared, request.body, {
          signal: abort.signal,
          onText: (text) => sse.send('token', { text }),
          onTool: (record) =>
            sse.send('tool', {
              tool: record.tool,
              round: record.round,
              ok: record.ok,
              problems: record.result['problems'] ?? [],
            }),
        });
        sse.send('done', done);
      } catch (error) {
        const known = error instanceof AppError;
        if (!known) request.log.error({ err: error }, 'assistant turn failed');
        sse.send('error', {
          code: known ? error.code : 'bad_gateway',
          message: known
            ? error.message
            : error instanceof Error
              ? error.message.slice(0, 500)
              : 'The model could not answer',
        });
      } finally {
        sse.end();
      }
    },
  );

  app.post(
    '/api/v1/assistant/sessions/:id/accept',
    {
      schema: {
        tags,
        summary: "Create a DRAFT workflow from the session's latest proposal (it is never activated here)",
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          201: Type.Object({
            workflowId: Type.String(),
            status: Type.String(),
            name: Type.String(),
            warnings: Type.Array(FieldProblemSchema),
          }),
          ...errors,
        },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const saved = await acceptProposal(
        { db: ctx.db, checker, catalog: ctx.catalog },
        { userId: principalOf(request).userId, ...auditFromRequest(request) },
        request.params.id,
        { name: request.body?.name },
      );
      return reply.status(201).send({
        workflowId: saved.row.id,
        status: saved.row.status,
        name: saved.row.name,
        warnings: saved.warnings,
      });
    },
  );

  app.get(
    '/api/v1/assistant/search',
    {
      schema: {
        tags,
        summary:
          'Your past messages and the templates that match, by meaning where pgvector and embeddings exist, by full-text search otherwise',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 500 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(SearchHitView),
            nextCursor: Type.Null(),
            mode: Type.Union([Type.Literal('semantic'), Type.Literal('fulltext')]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) => {
      const { q, limit = 20 } = request.query;
      const found = await searchAssistant(
        ctx.db,
        principalOf(request).userId,
        q,
        limit,
        providerFromSettings(ctx.config.assistant),
      );
      return {
        items: found.hits.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() })),
        nextCursor: null,
        mode: found.mode,
      };
    },
  );
};
