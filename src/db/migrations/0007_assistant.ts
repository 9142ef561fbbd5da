import { type Kysely, sql } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// The assistant's conversations (seed 003). Embeddings use pgvector where the database has it,
// and a plain real[] otherwise; full-text search works everywhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  const available = await sql<{ ok: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS ok`.execute(db);
  const hasVector = available.rows[0]?.ok === true;
  if (hasVector) await run(db, ['CREATE EXTENSION IF NOT EXISTS vector SCHEMA public']);
  await run(db, [
    `CREATE TABLE chat_sessions (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      session_name text,
      intent varchar(30),
      context jsonb NOT NULL DEFAULT '{}'::jsonb,
      status varchar(20) NOT NULL DEFAULT 'active',
      workflow_id uuid REFERENCES workflows (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT chk_chat_sessions_status CHECK (status IN ('active', 'completed', 'abandoned', 'archived')),
      CONSTRAINT chk_chat_sessions_intent CHECK (
        intent IS NULL OR intent IN ('workflow_creation', 'help', 'troubleshooting', 'explanation'))
    )`,
    'CREATE INDEX idx_chat_sessions_user_created ON chat_sessions (user_id, created_at DESC)',
    'CREATE INDEX idx_chat_sessions_workflow_id ON chat_sessions (workflow_id)',
    updatedAtTrigger('chat_sessions'),
    `ALTER TABLE workflows ADD CONSTRAINT fk_workflows_chat_session
      FOREIGN KEY (chat_session_id) REFERENCES chat_sessions (id) ON DELETE SET NULL`,

    `CREATE TABLE chat_messages (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
      role varchar(20) NOT NULL,
      content text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      embedding ${hasVector ? 'vector(1536)' : 'real[]'},
      search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT chk_chat_messages_role CHECK (role IN ('user', 'assistant', 'system', 'tool'))
    )`,
    'CREATE INDEX idx_chat_messages_session_created ON chat_messages (session_id, created_at)',
    'CREATE INDEX idx_chat_messages_search ON chat_messages USING gin (search_vector)',
    ...(hasVector
      ? ['CREATE INDEX idx_chat_messages_embedding ON chat_messages USING hnsw (embedding vector_cosine_ops)']
      : []),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    'DROP TABLE chat_messages',
    'ALTER TABLE workflows DROP CONSTRAINT fk_workflows_chat_session',
    'DROP TABLE chat_sessions',
  ]);
}
