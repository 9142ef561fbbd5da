import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// Workflows and their graph (seed 004 nodes/edges, 000 triggers/actions, 003 steps, 001 areas),
// published versions (004), the template gallery (003) and trigger state (001 hook_states).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE workflows (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name varchar(255) NOT NULL,
      description text,
      status varchar(20) NOT NULL DEFAULT 'draft',
      version integer NOT NULL DEFAULT 0,
      active_version integer,
      trigger_type varchar(20),
      tags text[] NOT NULL DEFAULT ARRAY[]::text[],
      is_template boolean NOT NULL DEFAULT false,
      is_public boolean NOT NULL DEFAULT false,
      configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
      webhook_token varchar(64),
      created_from_chat boolean NOT NULL DEFAULT false,
      chat_session_id uuid,
      llm_prompt_version varchar(50),
      triggered_count integer NOT NULL DEFAULT 0,
      successful_executions integer NOT NULL DEFAULT 0,
      failed_executions integer NOT NULL DEFAULT 0,
      last_triggered_at timestamptz,
      average_duration_ms double precision,
      trigger_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT chk_workflows_status CHECK (status IN ('draft', 'active', 'paused', 'archived')),
      CONSTRAINT chk_workflows_trigger_type CHECK (
        trigger_type IS NULL OR trigger_type IN ('webhook', 'polling', 'schedule', 'manual', 'subscription')),
      CONSTRAINT chk_workflows_counters CHECK (
        triggered_count >= 0 AND successful_executions >= 0 AND failed_executions >= 0),
      CONSTRAINT chk_workflows_version CHECK (version >= 0 AND (active_version IS NULL OR active_version <= version)),
      CONSTRAINT chk_workflows_active_has_version CHECK (status <> 'active' OR active_version IS NOT NULL),
      CONSTRAINT chk_workflows_name CHECK (length(name) BETWEEN 1 AND 255)
    )`,
    'CREATE INDEX idx_workflows_user_status ON workflows (user_id, status) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_workflows_user_created ON workflows (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_workflows_tags ON workflows USING gin (tags)',
    'CREATE INDEX idx_workflows_chat_session_id ON workflows (chat_session_id)',
    'CREATE INDEX idx_workflows_public ON workflows (is_public) WHERE is_public AND deleted_at IS NULL',
    'CREATE UNIQUE INDEX uq_workflows_webhook_token ON workflows (webhook_token) WHERE webhook_token IS NOT NULL',
    'CREATE INDEX idx_workflows_deleted_at ON workflows (deleted_at) WHERE deleted_at IS NOT NULL',
    updatedAtTrigger('workflows'),

    `CREATE TABLE workflow_versions (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      version integer NOT NULL,
      name varchar(255) NOT NULL,
      description text,
      definition jsonb NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      restored_from integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_workflow_versions_unique UNIQUE (workflow_id, version),
      CONSTRAINT chk_workflow_versions_version CHECK (version >= 1)
    )`,
    'CREATE INDEX idx_workflow_versions_created_by ON workflow_versions (created_by)',
    // A published version is a record of what ran: it never changes.
    `CREATE FUNCTION area_forbid_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'workflow_versions rows are immutable' USING ERRCODE = 'integrity_constraint_violation';
      END $$`,
    `CREATE TRIGGER trg_workflow_versions_immutable BEFORE UPDATE ON workflow_versions
      FOR EACH ROW EXECUTE FUNCTION area_forbid_version_update()`,

    `CREATE TABLE workflow_nodes (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      node_key varchar(100) NOT NULL,
      node_type varchar(20) NOT NULL,
      component_id uuid REFERENCES components (id) ON DELETE RESTRICT,
      connection_id uuid REFERENCES connections (id) ON DELETE SET NULL,
      label varchar(255),
      ordinal integer NOT NULL DEFAULT 0,
      position_x real,
      position_y real,
      config jsonb NOT NULL DEFAULT '{}'::jsonb,
      error_handling jsonb NOT NULL DEFAULT '{"retry": true, "max_retries": 3}'::jsonb,
      is_enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_workflow_nodes_key UNIQUE (workflow_id, node_key),
      CONSTRAINT chk_workflow_nodes_key CHECK (node_key ~ '^[A-Za-z_][A-Za-z0-9_]*$'),
      CONSTRAINT chk_workflow_nodes_type CHECK (node_type IN ('trigger', 'action', 'condition', 'filter', 'delay')),
      CONSTRAINT chk_workflow_nodes_config CHECK (jsonb_typeof(config) = 'object')
    )`,
    "CREATE UNIQUE INDEX uq_workflow_nodes_one_trigger ON workflow_nodes (workflow_id) WHERE node_type = 'trigger'",
    'CREATE INDEX idx_workflow_nodes_component_id ON workflow_nodes (component_id)',
    'CREATE INDEX idx_workflow_nodes_connection_id ON workflow_nodes (connection_id)',
    updatedAtTrigger('workflow_nodes'),

    `CREATE TABLE workflow_edges (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      source_node_key varchar(100) NOT NULL,
      target_node_key varchar(100) NOT NULL,
      edge_type varchar(20) NOT NULL DEFAULT 'default',
      configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT fk_workflow_edges_source FOREIGN KEY (workflow_id, source_node_key)
        REFERENCES workflow_nodes (workflow_id, node_key) ON DELETE CASCADE ON UPDATE CASCADE,
      CONSTRAINT fk_workflow_edges_target FOREIGN KEY (workflow_id, target_node_key)
        REFERENCES workflow_nodes (workflow_id, node_key) ON DELETE CASCADE ON UPDATE CASCADE,
      CONSTRAINT chk_workflow_edges_different_nodes CHECK (source_node_key <> target_node_key),
      CONSTRAINT chk_workflow_edges_type CHECK (edge_type IN ('default', 'true', 'false', 'error')),
      CONSTRAINT uq_workflow_edges UNIQUE (workflow_id, source_node_key, target_node_key, edge_type)
    )`,
    'CREATE INDEX idx_workflow_edges_target ON workflow_edges (workflow_id, target_node_key)',

    `CREATE TABLE workflow_templates (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      slug varchar(100) NOT NULL,
      name varchar(255) NOT NULL,
      description text,
      category varchar(50) NOT NULL,
      difficulty varchar(20) NOT NULL DEFAULT 'beginner',
      required_integrations text[] NOT NULL DEFAULT ARRAY[]::text[],
      template_data jsonb NOT NULL,
      preview_image text,
      use_count integer NOT NULL DEFAULT 0,
      is_featured boolean NOT NULL DEFAULT false,
      is_public boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_workflow_templates_slug UNIQUE (slug),
      CONSTRAINT chk_workflow_templates_difficulty CHECK (difficulty IN ('beginner', 'intermediate', 'advanced')),
      CONSTRAINT chk_workflow_templates_use_count CHECK (use_count >= 0)
    )`,
    'CREATE INDEX idx_workflow_templates_category ON workflow_templates (category)',
    'CREATE INDEX idx_workflow_templates_created_by ON workflow_templates (created_by)',
    'CREATE INDEX idx_workflow_templates_integrations ON workflow_templates USING gin (required_integrations)',
    updatedAtTrigger('workflow_templates'),

    `CREATE TABLE hook_states (
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      state_key varchar(255) NOT NULL,
      state_value text,
      last_checked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workflow_id, state_key)
    )`,
    updatedAtTrigger('hook_states'),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    'DROP TABLE hook_states',
    'DROP TABLE workflow_templates',
    'DROP TABLE workflow_edges',
    'DROP TABLE workflow_nodes',
    'DROP TABLE workflow_versions',
    'DROP FUNCTION area_forbid_version_update()',
    'DROP TABLE workflows',
  ]);
}
