import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// Runs (seed 001 area_executions, 002 workflow_runs, 003 workflow_executions, 004 executions),
// one row per node run (002 tasks, 003 step_results) and run logs (004).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE executions (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      workflow_version integer,
      version_id uuid REFERENCES workflow_versions (id) ON DELETE SET NULL,
      status varchar(20) NOT NULL DEFAULT 'pending',
      mode varchar(20) NOT NULL DEFAULT 'manual',
      trigger_data jsonb,
      output jsonb,
      error_message text,
      error_node_key varchar(100),
      total_steps integer NOT NULL DEFAULT 0,
      completed_steps integer NOT NULL DEFAULT 0,
      failed_steps integer NOT NULL DEFAULT 0,
      credits_used integer NOT NULL DEFAULT 0,
      idempotency_key varchar(255),
      retry_of uuid REFERENCES executions (id) ON DELETE SET NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      started_at timestamptz,
      completed_at timestamptz,
      duration_ms bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT chk_executions_status CHECK (
        status IN ('pending', 'running', 'waiting', 'success', 'failed', 'cancelled', 'skipped')),
      CONSTRAINT chk_executions_mode CHECK (
        mode IN ('webhook', 'schedule', 'polling', 'subscription', 'manual', 'retry', 'rerun')),
      CONSTRAINT chk_executions_steps CHECK (
        total_steps >= 0 AND completed_steps >= 0 AND failed_steps >= 0 AND credits_used >= 0),
      CONSTRAINT chk_executions_duration CHECK (duration_ms IS NULL OR duration_ms >= 0),
      CONSTRAINT chk_executions_completed CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
    )`,
    `CREATE UNIQUE INDEX uq_executions_idempotency ON executions (workflow_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL`,
    'CREATE INDEX idx_executions_workflow_created ON executions (workflow_id, created_at DESC, id DESC)',
    'CREATE INDEX idx_executions_user_created ON executions (user_id, created_at DESC, id DESC)',
    'CREATE INDEX idx_executions_user_status ON executions (user_id, status)',
    `CREATE INDEX idx_executions_unfinished ON executions (status, created_at)
      WHERE status IN ('pending', 'running', 'waiting')`,
    'CREATE INDEX idx_executions_version_id ON executions (version_id)',
    'CREATE INDEX idx_executions_retry_of ON executions (retry_of)',
    updatedAtTrigger('executions'),

    `CREATE TABLE execution_steps (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      execution_id uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      node_key varchar(100) NOT NULL,
      status varchar(20) NOT NULL DEFAULT 'pending',
      attempt_count integer NOT NULL DEFAULT 0,
      input jsonb,
      output jsonb,
      error text,
      started_at timestamptz,
      finished_at timestamptz,
      duration_ms bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_execution_steps_node UNIQUE (execution_id, node_key),
      CONSTRAINT chk_execution_steps_status CHECK (
        status IN ('pending', 'running', 'waiting', 'success', 'failed', 'skipped', 'cancelled')),
      CONSTRAINT chk_execution_steps_attempts CHECK (attempt_count >= 0),
      CONSTRAINT chk_execution_steps_duration CHECK (duration_ms IS NULL OR duration_ms >= 0)
    )`,
    updatedAtTrigger('execution_steps'),

    `CREATE TABLE execution_logs (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      execution_id uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      node_key varchar(100),
      log_level varchar(10) NOT NULL DEFAULT 'info',
      message text NOT NULL,
      data jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT chk_execution_logs_level CHECK (log_level IN ('debug', 'info', 'warn', 'error'))
    )`,
    'CREATE INDEX idx_execution_logs_execution_id ON execution_logs (execution_id, created_at)',
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP TABLE execution_logs', 'DROP TABLE execution_steps', 'DROP TABLE executions']);
}
