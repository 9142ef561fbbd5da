import { type Static, Type } from 'typebox';
import { contextOf, type MessageRow, type SessionRow } from './session-store.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const IntentSchema = Type.Union([
  Type.Literal('workflow_creation'),
  Type.Literal('help'),
  Type.Literal('troubleshooting'),
  Type.Literal('explanation'),
]);

export const SessionStatusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('completed'),
  Type.Literal('abandoned'),
  Type.Literal('archived'),
]);

export const ChatSessionView = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  intent: Nullable(IntentSchema),
  status: SessionStatusSchema,
  workflowId: Nullable(Type.String()),
  connectionId: Nullable(
    Type.String({ description: "the AI connection the session talks through; null = the admin's model" }),
  ),
  proposal: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ChatSessionView = Static<typeof ChatSessionView>;

export const ChatMessageView = Type.Object({
  id: Type.String(),
  role: Type.Union([
    Type.Literal('user'),
    Type.Literal('assistant'),
    Type.Literal('system'),
    Type.Literal('tool'),
  ]),
  content: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ChatMessageView = Static<typeof ChatMessageView>;

export const ChatSessionDetail = Type.Intersect([
  ChatSessionView,
  Type.Object({ messages: Type.Array(ChatMessageView) }),
]);

export function sessionView(row: SessionRow): ChatSessionView {
  const context = contextOf(row);
  return {
    id: row.id,
    name: row.session_name,
    intent: row.intent,
    status: row.status,
    workflowId: row.workflow_id,
    connectionId: context.connectionId ?? null,
    proposal: context.proposal ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function messageView(row: MessageRow): ChatMessageView {
  const metadata = row.metadata;
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    metadata:
      metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)
        ? (metadata as Record<string, unknown>)
        : {},
    createdAt: new Date(row.created_at).toISOString(),
  };
}
