import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// Users, roles, sign-in tokens, API keys, external identities and preferences (seeds 000-004).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      email varchar(255) NOT NULL,
      username varchar(100),
      name varchar(255),
      password_hash varchar(255),
      avatar_url text,
      is_active boolean NOT NULL DEFAULT true,
      email_verified_at timestamptz,
      last_login_at timestamptz,
      timezone text NOT NULL DEFAULT 'UTC',
      plan_type text NOT NULL DEFAULT 'free',
      credits_used integer NOT NULL DEFAULT 0,
      credits_limit integer NOT NULL DEFAULT 1000,
      onboarding_completed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT chk_users_email CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'),
      CONSTRAINT chk_users_email_lower CHECK (email = lower(email)),
      CONSTRAINT chk_users_username CHECK (username ~ '^[A-Za-z0-9_.-]{2,100}$'),
      CONSTRAINT chk_users_plan_type CHECK (plan_type IN ('free', 'pro', 'enterprise')),
      CONSTRAINT chk_users_credits CHECK (credits_used >= 0 AND credits_limit >= 0)
    )`,
    'CREATE UNIQUE INDEX uq_users_email ON users (email) WHERE deleted_at IS NULL',
    'CREATE UNIQUE INDEX uq_users_username ON users (lower(username)) WHERE deleted_at IS NULL',
    'CREATE INDEX idx_users_created_at ON users (created_at)',
    'CREATE INDEX idx_users_deleted_at ON users (deleted_at) WHERE deleted_at IS NOT NULL',
    updatedAtTrigger('users'),

    `CREATE TABLE roles (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      name varchar(50) NOT NULL,
      description text,
      permissions jsonb NOT NULL DEFAULT '[]'::jsonb,
      is_builtin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_roles_name UNIQUE (name),
      CONSTRAINT chk_roles_permissions CHECK (jsonb_typeof(permissions) = 'array')
    )`,
    updatedAtTrigger('roles'),
    `INSERT INTO roles (name, description, permissions, is_builtin) VALUES
      ('admin', 'Administers the instance: users, roles, audit log, system status.', '["*"]', true),
      ('member', 'Builds and runs their own workflows.',
        '["workflows:read","workflows:write","executions:read","executions:write","connections:read","connections:write"]', true)`,

    `CREATE TABLE user_roles (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
      assigned_at timestamptz NOT NULL DEFAULT now(),
      assigned_by uuid REFERENCES users (id) ON DELETE SET NULL,
      CONSTRAINT uq_user_roles_unique UNIQUE (user_id, role_id)
    )`,
    'CREATE INDEX idx_user_roles_role_id ON user_roles (role_id)',
    'CREATE INDEX idx_user_roles_assigned_by ON user_roles (assigned_by)',

    `CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash varchar(255) NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      replaced_by uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
      ip_address inet,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_refresh_tokens_hash UNIQUE (token_hash)
    )`,
    'CREATE INDEX idx_refresh_tokens_user_id ON refresh_tokens (user_id)',
    'CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens (family_id)',
    'CREATE INDEX idx_refresh_tokens_replaced_by ON refresh_tokens (replaced_by)',

    `CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      key_name text NOT NULL,
      key_prefix text NOT NULL,
      key_hash text NOT NULL,
      permissions text[] NOT NULL DEFAULT ARRAY['workflows:read']::text[],
      last_used_at timestamptz,
      usage_count integer NOT NULL DEFAULT 0,
      expires_at timestamptz,
      is_active boolean NOT NULL DEFAULT true,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_api_keys_hash UNIQUE (key_hash),
      CONSTRAINT chk_api_keys_usage CHECK (usage_count >= 0),
      CONSTRAINT chk_api_keys_name CHECK (length(key_name) BETWEEN 1 AND 100)
    )`,
    'CREATE UNIQUE INDEX uq_api_keys_user_name ON api_keys (user_id, key_name) WHERE is_active',
    'CREATE INDEX idx_api_keys_user_id ON api_keys (user_id)',
    'CREATE INDEX idx_api_keys_prefix ON api_keys (key_prefix)',
    updatedAtTrigger('api_keys'),

    `CREATE TABLE user_preferences (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      preference_key text NOT NULL,
      preference_value jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_user_preferences_key UNIQUE (user_id, preference_key),
      CONSTRAINT chk_user_preferences_key CHECK (preference_key ~ '^[A-Za-z0-9_.:-]{1,100}$')
    )`,
    updatedAtTrigger('user_preferences'),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    'DROP TABLE user_preferences',
    'DROP TABLE api_keys',
    'DROP TABLE refresh_tokens',
    'DROP TABLE user_roles',
    'DROP TABLE roles',
    'DROP TABLE users',
  ]);
}
