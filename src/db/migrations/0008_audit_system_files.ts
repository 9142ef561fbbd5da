import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// The audit trail (seeds 002, 003, 004), health checks (003) and uploaded files (004).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE audit_logs (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      action varchar(100) NOT NULL,
      entity_type varchar(100) NOT NULL,
      entity_id uuid,
      changes jsonb,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip_address inet,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX idx_audit_logs_user_created ON audit_logs (user_id, created_at DESC)',
    'CREATE INDEX idx_audit_logs_entity ON audit_logs (entity_type, entity_id)',
    'CREATE INDEX idx_audit_logs_created ON audit_logs (created_at DESC)',

    `CREATE TABLE system_status (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      service_name varchar(100) NOT NULL,
      status varchar(20) NOT NULL,
      response_time integer,
      error_message text,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      checked_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT chk_system_status_status CHECK (status IN ('healthy', 'degraded', 'down')),
      CONSTRAINT chk_system_status_response_time CHECK (response_time IS NULL OR response_time >= 0)
    )`,
    'CREATE INDEX idx_system_status_service_checked ON system_status (service_name, checked_at DESC)',

    `CREATE TABLE files (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      filename varchar(255) NOT NULL,
      original_filename varchar(255) NOT NULL,
      mime_type varchar(100) NOT NULL,
      file_size bigint NOT NULL,
      file_path varchar(500) NOT NULL,
      checksum varchar(128),
      is_public boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT chk_files_size CHECK (file_size >= 0),
      CONSTRAINT uq_files_filename UNIQUE (filename)
    )`,
    'CREATE INDEX idx_files_user_id ON files (user_id) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_files_checksum ON files (checksum)',
    'CREATE INDEX idx_files_deleted_at ON files (deleted_at) WHERE deleted_at IS NOT NULL',
    updatedAtTrigger('files'),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP TABLE files', 'DROP TABLE system_status', 'DROP TABLE audit_logs']);
}
