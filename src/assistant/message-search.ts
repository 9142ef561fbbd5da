import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { ChatProvider } from './chat-provider.ts';

export interface SearchHit {
  kind: 'message' | 'template';
  id: string;
  sessionId: string | null;
  title: string;
  snippet: string;
  score: number;
  createdAt: Date;
}

const vectorColumns = new WeakMap<object, Promise<boolean>>();

/** Whether chat_messages.embedding is a pgvector column on this database (decided by migration 0007). */
export function hasVectorColumn(db: Kysely<DB>): Promise<boolean> {
  let known = vectorColumns.get(db);
  if (!known) {
    known = sql<{ type: string }>`
      SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = 'chat_messages'::regclass AND attname = 'embedding'`
      .execute(db)
      .then((r) => r.rows[0]?.type.startsWith('vector') === true)
      .catch(() => false);
    vectorColumns.set(db, known);
  }
  return known;
}

function vectorLiteral(values: number[]): string {
  return `[${values.map((v) => (Number.isFinite(v) ? v : 0)).join(',')}]`;
}

/** Stores embeddings of messages; only where the column is pgvector and the provider embeds. */
export async function embedMessages(
  db: Kysely<DB>,
  provider: ChatProvider | undefined,
  messages: { id: string; content: string }[],
): Promise<void> {
  const texts = messages.filter((m) => m.content.trim() !== '');
  if (!provider?.embed || texts.length === 0 || !(await hasVectorColumn(db))) return;
  const vectors = await provider.embed(texts.map((m) => m.content.slice(0, 8000)));
  for (const [i, message] of texts.entries()) {
    const vector = vectors[i];
    if (!vector) continue;
    await db
      .updateTable('chat_messages')
      .set({ embedding: sql<string>`${vectorLiteral(vector)}::vector` })
      .where('id', '=', message.id)
      .execute();
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 240 ? `${flat.slice(0, 240)}...` : flat;
}

/**
 * The caller's past messages (and the public or own templates) that match `query`: by meaning with
 * pgvector and the provider's embeddings where both exist, by PostgreSQL full-text search otherwise.
 */
export async function searchAssistant(
  db: Kysely<DB>,
  userId: string,
  query: string,
  limit: number,
  embedder: ChatProvider | undefined,
): Promise<{ hits: SearchHit[]; mode: 'semantic' | 'fulltext' }> {
  let mode: 'semantic' | 'fulltext' = 'fulltext';
  let messages: {
    id: string;
    session_id: string;
    session_name: string | null;
    content: string;
    score: number;
    created_at: Date;
  }[] = [];
  if (embedder?.embed && (await hasVectorColumn(db))) {
    const [vector] = await embedder.embed([query]);
    if (vector) {
      mode = 'semantic';
      const result = await sql<(typeof messages)[number]>`
        SELECT m.id, m.session_id, s.session_name, m.content, m.created_at,
          1 - (m.embedding <=> ${vectorLiteral(vector)}::vector) AS score
        FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
        WHERE s.user_id = ${userId} AND m.embedding IS NOT NULL AND m.role IN ('user', 'assistant')
        ORDER BY m.embedding <=> ${vectorLiteral(vector)}::vector
        LIMIT ${limit}`.execute(db);
      messages = result.rows;
    }
  }
  if (mode === 'fulltext') {
    const result = await sql<(typeof messages)[number]>`
      SELECT m.id, m.session_id, s.session_name, m.content, m.created_at,
        ts_rank(m.search_vector, q) AS score
      FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id,
        websearch_to_tsquery('simple', ${query}) q
      WHERE s.user_id = ${userId} AND m.role IN ('user', 'assistant') AND m.search_vector @@ q
      ORDER BY score DESC, m.created_at DESC
      LIMIT ${limit}`.execute(db);
    messages = result.rows;
  }
  const templates = await sql<{
    id: string;
    name: string;
    description: string | null;
    score: number;
    created_at: Date;
  }>`
    SELECT t.id, t.name, t.description, t.created_at,
      ts_rank(to_tsvector('simple', t.name || ' ' || coalesce(t.description, '') || ' ' || t.category), q) AS score
    FROM workflow_templates t, websearch_to_tsquery('simple', ${query}) q
    WHERE (t.is_public OR t.created_by = ${userId})
      AND to_tsvector('simple', t.name || ' ' || coalesce(t.description, '') || ' ' || t.category) @@ q
    ORDER BY score DESC
    LIMIT ${limit}`.execute(db);
  const hits: SearchHit[] = [
    ...messages.map((m) => ({
      kind: 'message' as const,
      id: m.id,
      sessionId: m.session_id,
      title: m.session_name ?? 'Conversation',
      snippet: snippet(m.content),
      score: Number(m.score),
      createdAt: new Date(m.created_at),
    })),
    ...templates.rows.map((t) => ({
      kind: 'template' as const,
      id: t.id,
      sessionId: null,
      title: t.name,
      snippet: snippet(t.description ?? ''),
      score: Number(t.score),
      createdAt: new Date(t.created_at),
    })),
  ];
  return { hits: hits.slice(0, limit * 2), mode };
}
