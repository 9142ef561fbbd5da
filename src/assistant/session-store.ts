import type { Kysely, Selectable } from 'kysely';
import type { ChatMessagesTable, ChatSessionsTable, DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';

export type SessionRow = Selectable<ChatSessionsTable>;
export type MessageRow = Omit<Selectable<ChatMessagesTable>, 'embedding' | 'search_vector'>;
export type Intent = NonNullable<ChatSessionsTable['intent']>;
export type SessionStatus = SessionRow['status'];

/** What a session remembers between turns (chat_sessions.context). */
export interface SessionContext {
  /** The user's own AI connection the session talks through (else the admin's model). */
  connectionId?: string;
  model?: string;
  /** The latest proposal (a ProposalView). */
  proposal?: Record<string, unknown>;
  /** The prompt version the proposal was made with. */
  promptVersion?: string;
}

export function contextOf(row: SessionRow): SessionContext {
  const value = row.context;
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as SessionContext)
    : {};
}

export async function createSession(
  db: Kysely<DB>,
  userId: string,
  input: {
    name?: string | undefined;
    intent?: Intent | undefined;
    workflowId?: string | undefined;
    context: SessionContext;
  },
): Promise<SessionRow> {
  return db
    .insertInto('chat_sessions')
    .values({
      user_id: userId,
      session_name: input.name ?? null,
      intent: input.intent ?? null,
      workflow_id: input.workflowId ?? null,
      context: JSON.stringify(input.context),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A session of the caller; 404 for anyone else's. */
export async function getSession(db: Kysely<DB>, userId: string, id: string): Promise<SessionRow> {
  const row = await db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Chat session');
  return row;
}

export async function listSessions(
  db: Kysely<DB>,
  userId: string,
  filter: { status?: SessionStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ rows: SessionRow[]; nextCursor: string | null }> {
  let query = db.selectFrom('chat_sessions').selectAll().where('user_id', '=', userId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) query = query.where('id', '<', filter.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  return { rows: page, nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function listMessages(db: Kysely<DB>, sessionId: string, limit = 500): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('chat_messages')
    .select(['id', 'session_id', 'role', 'content', 'metadata', 'created_at'])
    .where('session_id', '=', sessionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

export async function addMessage(
  db: Kysely<DB>,
  sessionId: string,
  role: MessageRow['role'],
  content: string,
  metadata: Record<string, unknown> = {},
): Promise<MessageRow> {
  return db
    .insertInto('chat_messages')
    .values({ session_id: sessionId, role, content, metadata: JSON.stringify(metadata) })
    .returning(['id', 'session_id', 'role', 'content', 'metadata', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function updateSession(
  db: Kysely<DB>,
  id: string,
  changes: {
    context?: SessionContext;
    status?: SessionStatus;
    name?: string;
    intent?: Intent;
    workflowId?: string;
  },
): Promise<SessionRow> {
  return db
    .updateTable('chat_sessions')
    .set({
      ...(changes.context ? { context: JSON.stringify(changes.context) } : {}),
      ...(changes.status ? { status: changes.status } : {}),
      ...(changes.name ? { session_name: changes.name } : {}),
      ...(changes.intent ? { intent: changes.intent } : {}),
      ...(changes.workflowId ? { workflow_id: changes.workflowId } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
