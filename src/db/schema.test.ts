import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';
import { catalogSnapshot } from './catalog-snapshot.ts';
import { migrateDown, migrateUp, migrationStatus } from './migrator.ts';

type OnDelete = 'CASCADE' | 'SET NULL' | 'RESTRICT';

interface Expected {
  columns: string[];
  fks?: Record<string, OnDelete>;
  checks?: string[];
}

/** Every table of data-model.md with its key columns, the ON DELETE rule of each reference, and its CHECKs. */
const TABLES: Record<string, Expected> = {
  users: {
    columns: [
      'id',
      'email',
      'username',
      'name',
      'password_hash',
      'avatar_url',
      'is_active',
      'email_verified_at',
      'last_login_at',
      'timezone',
      'plan_type',
      'credits_used',
      'credits_limit',
      'onboarding_completed',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
    checks: ['chk_users_email', 'chk_users_email_lower', 'chk_users_plan_type', 'chk_users_credits'],
  },
  roles: {
    columns: ['id', 'name', 'permissions', 'created_at', 'updated_at'],
    checks: ['chk_roles_permissions'],
  },
  user_roles: {
    columns: ['user_id', 'role_id', 'assigned_at', 'assigned_by'],
    fks: { user_id: 'CASCADE', role_id: 'CASCADE', assigned_by: 'SET NULL' },
  },
  refresh_tokens: {
    columns: ['user_id', 'family_id', 'token_hash', 'expires_at', 'revoked_at', 'replaced_by'],
    fks: { user_id: 'CASCADE', replaced_by: 'SET NULL' },
  },
  api_keys: {
    columns: [
      'user_id',
      'key_name',
      'key_prefix',
      'key_hash',
      'permissions',
      'last_used_at',
      'usage_count',
      'expires_at',
      'is_active',
    ],
    fks: { user_id: 'CASCADE' },
    checks: ['chk_api_keys_usage'],
  },
  user_oauth2_accounts: {
    columns: ['provider', 'provider_account_id', 'user_id', 'service_id', 'email', 'created_at'],
    fks: { user_id: 'CASCADE', service_id: 'SET NULL' },
  },
  user_preferences: {
    columns: ['user_id', 'preference_key', 'preference_value'],
    fks: { user_id: 'CASCADE' },
  },
  services: {
    columns: ['key', 'name', 'description', 'icon_url', 'requires_auth', 'auth_type', 'is_active'],
    checks: ['chk_services_auth_type'],
  },
  components: {
    columns: [
      'service_id',
      'key',
      'kind',
      'name',
      'description',
      'trigger_mode',
      'webhook_endpoint',
      'polling_interval',
      'config_schema',
      'output_schema',
      'is_active',
    ],
    fks: { service_id: 'CASCADE' },
    checks: ['chk_components_kind', 'chk_components_trigger_mode'],
  },
  integration_templates: {
    columns: ['service_id', 'template_name', 'configuration', 'required_scopes', 'setup_guide'],
    fks: { service_id: 'CASCADE' },
  },
  connections: {
    columns: [
      'user_id',
      'service_id',
      'name',
      'encrypted_credentials',
      'config',
      'status',
      'token_expires_at',
      'last_tested_at',
      'error_message',
      'metadata',
      'deleted_at',
    ],
    fks: { user_id: 'CASCADE', service_id: 'RESTRICT' },
    checks: ['chk_connections_status'],
  },
  secrets: { columns: ['user_id', 'name', 'encrypted_payload'], fks: { user_id: 'CASCADE' } },
  workflows: {
    columns: [
      'user_id',
      'name',
      'description',
      'status',
      'version',
      'tags',
      'is_template',
      'is_public',
      'created_from_chat',
      'chat_session_id',
      'llm_prompt_version',
      'triggered_count',
      'successful_executions',
      'failed_executions',
      'last_triggered_at',
      'average_duration_ms',
      'deleted_at',
    ],
    fks: { user_id: 'CASCADE', chat_session_id: 'SET NULL' },
    checks: ['chk_workflows_status'],
  },
  workflow_versions: {
    columns: ['workflow_id', 'version', 'definition', 'created_by'],
    fks: { workflow_id: 'CASCADE', created_by: 'SET NULL' },
  },
  workflow_nodes: {
    columns: [
      'workflow_id',
      'node_key',
      'node_type',
      'component_id',
      'connection_id',
      'label',
      'position_x',
      'position_y',
      'config',
      'error_handling',
      'is_enabled',
    ],
    fks: { workflow_id: 'CASCADE', component_id: 'RESTRICT', connection_id: 'SET NULL' },
    checks: ['chk_workflow_nodes_type'],
  },
  workflow_edges: {
    columns: ['workflow_id', 'source_node_key', 'target_node_key', 'edge_type'],
    fks: { workflow_id: 'CASCADE' },
    checks: ['chk_workflow_edges_different_nodes', 'chk_workflow_edges_type'],
  },
  workflow_templates: {
    columns: [
      'name',
      'category',
      'difficulty',
      'required_integrations',
      'template_data',
      'use_count',
      'is_featured',
      'created_by',
    ],
    fks: { created_by: 'SET NULL' },
    checks: ['chk_workflow_templates_difficulty'],
  },
  hook_states: {
    columns: ['workflow_id', 'state_key', 'state_value', 'last_checked_at'],
    fks: { workflow_id: 'CASCADE' },
  },
  executions: {
    columns: [
      'workflow_id',
      'user_id',
      'workflow_version',
      'status',
      'trigger_data',
      'output',
      'error_message',
      'error_node_key',
      'total_steps',
      'completed_steps',
      'failed_steps',
      'credits_used',
      'idempotency_key',
      'started_at',
      'completed_at',
      'duration_ms',
    ],
    fks: { workflow_id: 'CASCADE', user_id: 'CASCADE', version_id: 'SET NULL', retry_of: 'SET NULL' },
    checks: ['chk_executions_status'],
  },
  execution_steps: {
    columns: [
      'execution_id',
      'node_key',
      'status',
      'attempt_count',
      'input',
      'output',
      'error',
      'started_at',
      'finished_at',
      'duration_ms',
    ],
    fks: { execution_id: 'CASCADE' },
    checks: ['chk_execution_steps_status'],
  },
  execution_logs: {
    columns: ['execution_id', 'node_key', 'log_level', 'message', 'data'],
    fks: { execution_id: 'CASCADE' },
    checks: ['chk_execution_logs_level'],
  },
  chat_sessions: {
    columns: ['user_id', 'session_name', 'intent', 'context', 'status', 'workflow_id'],
    fks: { user_id: 'CASCADE', workflow_id: 'SET NULL' },
    checks: ['chk_chat_sessions_status'],
  },
  chat_messages: {
    columns: ['session_id', 'role', 'content', 'metadata', 'embedding'],
    fks: { session_id: 'CASCADE' },
    checks: ['chk_chat_messages_role'],
  },
  audit_logs: {
    columns: [
      'user_id',
      'action',
      'entity_type',
      'entity_id',
      'changes',
      'ip_address',
      'user_agent',
      'created_at',
    ],
    fks: { user_id: 'SET NULL' },
  },
  system_status: {
    columns: ['service_name', 'status', 'response_time', 'error_message', 'metadata', 'checked_at'],
    checks: ['chk_system_status_status'],
  },
  sync_fingerprints: { columns: ['name', 'fingerprint', 'synced_at'] },
  files: {
    columns: [
      'user_id',
      'filename',
      'original_filename',
      'mime_type',
      'file_size',
      'file_path',
      'checksum',
      'is_public',
      'deleted_at',
    ],
    fks: { user_id: 'CASCADE' },
    checks: ['chk_files_size'],
  },
};

const ON_DELETE: Record<string, OnDelete> = { c: 'CASCADE', n: 'SET NULL', r: 'RESTRICT', a: 'RESTRICT' };

describe(`schema (${TEST_DB_KIND})`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has every table of the data model with its key columns, references and checks', async () => {
    const { db } = database;
    const columns = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`.execute(
      db,
    );
    const fks = await sql<{ table_name: string; column_name: string; rule: string }>`
      SELECT rel.relname AS table_name, att.attname AS column_name, con.confdeltype AS rule
      FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid
      JOIN LATERAL unnest(con.conkey) AS k(attnum) ON true
      JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum = k.attnum
      WHERE con.contype = 'f' AND rel.relnamespace = current_schema()::regnamespace`.execute(db);
    const checks = await sql<{ table_name: string; name: string }>`
      SELECT rel.relname AS table_name, con.conname AS name FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid
      WHERE con.contype = 'c' AND rel.relnamespace = current_schema()::regnamespace`.execute(db);

    for (const [table, expected] of Object.entries(TABLES)) {
      const have = new Set(columns.rows.filter((r) => r.table_name === table).map((r) => r.column_name));
      expect(have.size, `table ${table} exists`).toBeGreaterThan(0);
      for (const column of expected.columns) expect(have.has(column), `${table}.${column}`).toBe(true);
      for (const [column, rule] of Object.entries(expected.fks ?? {})) {
        const fk = fks.rows.find((r) => r.table_name === table && r.column_name === column);
        expect(fk, `${table}.${column} references another table`).toBeDefined();
        expect(ON_DELETE[fk!.rule], `${table}.${column} ON DELETE`).toBe(rule);
      }
      const haveChecks = new Set(checks.rows.filter((r) => r.table_name === table).map((r) => r.name));
      for (const check of expected.checks ?? [])
        expect(haveChecks.has(check), `${table} CHECK ${check}`).toBe(true);
    }
  });

  it('indexes every foreign key', async () => {
    const unindexed = await sql<{ line: string }>`
      SELECT rel.relname || '(' || array_to_string(ARRAY(
        SELECT att.attname FROM unnest(con.conkey) k(n) JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum = k.n
      ), ',') || ')' AS line
      FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
      WHERE con.contype = 'f' AND rel.relnamespace = current_schema()::regnamespace
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i
          WHERE i.indrelid = con.conrelid
            AND (i.indkey::int2[])[0:array_length(con.conkey, 1) - 1] @> con.conkey
            AND (i.indkey::int2[])[0:array_length(con.conkey, 1) - 1] <@ con.conkey
        )`.execute(database.db);
    expect(unindexed.rows.map((r) => r.line)).toEqual([]);
  });

  it('keeps updated_at current through a trigger', async () => {
    const { db } = database;
    const user = await db
      .insertInto('users')
      .values({ email: 'trigger@example.com', updated_at: '2000-01-01T00:00:00Z' })
      .returning(['id', 'updated_at'])
      .executeTakeFirstOrThrow();
    await db.updateTable('users').set({ name: 'Changed' }).where('id', '=', user.id).execute();
    const after = await db
      .selectFrom('users')
      .select('updated_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after.updated_at.getTime()).toBeGreaterThan(new Date('2001-01-01').getTime());
  });

  it('rejects what the CHECKs forbid', async () => {
    const { db } = database;
    await expect(db.insertInto('users').values({ email: 'not-an-email' }).execute()).rejects.toThrow(
      /chk_users_email/,
    );
    await expect(db.insertInto('users').values({ email: 'Upper@Example.com' }).execute()).rejects.toThrow(
      /chk_users_email_lower/,
    );
    const user = await db
      .insertInto('users')
      .values({ email: 'checks@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wf = await db
      .insertInto('workflows')
      .values({ user_id: user.id, name: 'w', configuration: {} })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db
        .updateTable('workflows')
        .set({ status: 'published' as never })
        .where('id', '=', wf.id)
        .execute(),
    ).rejects.toThrow(/chk_workflows_status/);
    await db
      .insertInto('workflow_nodes')
      .values({ workflow_id: wf.id, node_key: 'a', node_type: 'action', config: {}, error_handling: {} })
      .execute();
    await expect(
      db
        .insertInto('workflow_edges')
        .values({ workflow_id: wf.id, source_node_key: 'a', target_node_key: 'a', configuration: {} })
        .execute(),
    ).rejects.toThrow(/chk_workflow_edges_different_nodes/);
    await expect(
      db
        .insertInto('workflow_edges')
        .values({ workflow_id: wf.id, source_node_key: 'a', target_node_key: 'ghost', configuration: {} })
        .execute(),
    ).rejects.toThrow(/fk_workflow_edges_target/);
  });

  it('lets a soft-deleted row free its unique email and name', async () => {
    const { db } = database;
    const first = await db
      .insertInto('users')
      .values({ email: 'reuse@example.com', username: 'reuser' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(db.insertInto('users').values({ email: 'reuse@example.com' }).execute()).rejects.toThrow(
      /uq_users_email/,
    );
    await db.updateTable('users').set({ deleted_at: new Date() }).where('id', '=', first.id).execute();
    const second = await db
      .insertInto('users')
      .values({ email: 'reuse@example.com', username: 'reuser' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(second.id).not.toBe(first.id);

    const service = await db
      .insertInto('services')
      .values({ key: 'svc-soft', name: 'Soft', auth_schema: {} })
      .returning('id')
      .executeTakeFirstOrThrow();
    const values = {
      user_id: second.id,
      service_id: service.id,
      name: 'Mine',
      encrypted_credentials: 'x',
      config: {},
      metadata: {},
    };
    const conn = await db.insertInto('connections').values(values).returning('id').executeTakeFirstOrThrow();
    await expect(db.insertInto('connections').values(values).execute()).rejects.toThrow(
      /uq_connections_user_name/,
    );
    await db.updateTable('connections').set({ deleted_at: new Date() }).where('id', '=', conn.id).execute();
    await db.insertInto('connections').values(values).execute();
  });

  it('keeps published workflow versions immutable', async () => {
    const { db } = database;
    const user = await db
      .insertInto('users')
      .values({ email: 'versions@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wf = await db
      .insertInto('workflows')
      .values({ user_id: user.id, name: 'v', configuration: {} })
      .returning('id')
      .executeTakeFirstOrThrow();
    const v = await db
      .insertInto('workflow_versions')
      .values({ workflow_id: wf.id, version: 1, name: 'v', definition: { nodes: [] }, created_by: user.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable('workflow_versions').set({ name: 'changed' }).where('id', '=', v.id).execute(),
    ).rejects.toThrow(/immutable/);
  });

  it('makes UUIDv7 ids in SQL defaults', async () => {
    const row = await database.db
      .insertInto('users')
      .values({ email: 'v7@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('leaves the same schema after every migration is reverted and applied again', async () => {
    const fresh = await createTestDatabase();
    try {
      const before = await catalogSnapshot(fresh.db);
      const reverted = await migrateDown(fresh.db, true);
      const status = await migrationStatus(fresh.db);
      expect(reverted.length).toBe(status.length);
      expect(status.every((m) => m.executedAt === undefined)).toBe(true);
      const empty = await catalogSnapshot(fresh.db);
      expect(empty.columns).toEqual([]);
      await migrateUp(fresh.db);
      expect(await catalogSnapshot(fresh.db)).toEqual(before);
      expect(before.columns.length).toBeGreaterThan(200);
    } finally {
      await fresh.close();
    }
  });
});
