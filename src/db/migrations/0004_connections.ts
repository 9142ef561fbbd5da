import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// A user's accounts on services (seed 001 user_services, 003 integrations, 002 connectors) and named secrets (002).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE connections (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES services (id) ON DELETE RESTRICT,
      name varchar(255) NOT NULL,
      encrypted_credentials text NOT NULL,
      config jsonb NOT NULL DEFAULT '{}'::jsonb,
      status varchar(20) NOT NULL DEFAULT 'active',
      token_expires_at timestamptz,
      last_tested_at timestamptz,
      last_used_at timestamptz,
      error_message text,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT chk_connections_status CHECK (status IN ('active', 'inactive', 'error', 'expired')),
      CONSTRAINT chk_connections_name CHECK (length(name) BETWEEN 1 AND 255)
    )`,
    'CREATE UNIQUE INDEX uq_connections_user_name ON connections (user_id, name) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_connections_user_service ON connections (user_id, service_id) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_connections_service_id ON connections (service_id)',
    'CREATE INDEX idx_connections_token_expires_at ON connections (token_expires_at) WHERE deleted_at IS NULL AND token_expires_at IS NOT NULL',
    updatedAtTrigger('connections'),

    `CREATE TABLE secrets (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name varchar(255) NOT NULL,
      description text,
      encrypted_payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_secrets_user_name UNIQUE (user_id, name),
      CONSTRAINT chk_secrets_name CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]{0,99}$')
    )`,
    updatedAtTrigger('secrets'),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP TABLE secrets', 'DROP TABLE connections']);
}
