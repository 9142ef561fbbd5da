import type { Kysely } from 'kysely';
import { run, updatedAtTrigger } from '../migration-kit.ts';

// The catalog: services and their components (seed 000 templates, seed 001 components and variables),
// synced from the integration code at start; connection set-up templates (seed 003); external identities (seed 001).
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE services (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      key varchar(100) NOT NULL,
      name varchar(100) NOT NULL,
      description text,
      icon_url text,
      category varchar(50),
      requires_auth boolean NOT NULL DEFAULT false,
      auth_type varchar(20) NOT NULL DEFAULT 'none',
      auth_schema jsonb NOT NULL DEFAULT '{}'::jsonb,
      docs_url text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_services_key UNIQUE (key),
      CONSTRAINT chk_services_key CHECK (key ~ '^[a-z0-9][a-z0-9_-]*$'),
      CONSTRAINT chk_services_auth_type CHECK (auth_type IN ('none', 'api_key', 'basic', 'bearer', 'oauth2', 'custom')),
      CONSTRAINT chk_services_requires_auth CHECK (requires_auth = (auth_type <> 'none'))
    )`,
    'CREATE UNIQUE INDEX uq_services_name ON services (name)',
    updatedAtTrigger('services'),

    `CREATE TABLE components (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
      key varchar(100) NOT NULL,
      kind varchar(10) NOT NULL,
      name varchar(100) NOT NULL,
      description text,
      trigger_mode varchar(20),
      webhook_endpoint varchar(255),
      polling_interval integer,
      config_schema jsonb NOT NULL DEFAULT '{"type":"object","properties":{}}'::jsonb,
      output_schema jsonb NOT NULL DEFAULT '{"type":"object","properties":{}}'::jsonb,
      sample_output jsonb,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_components_service_key UNIQUE (service_id, key),
      CONSTRAINT chk_components_key CHECK (key ~ '^[a-z0-9][a-z0-9_]*$'),
      CONSTRAINT chk_components_kind CHECK (kind IN ('trigger', 'action')),
      CONSTRAINT chk_components_trigger_mode CHECK (
        (kind = 'trigger' AND trigger_mode IN ('webhook', 'polling', 'schedule', 'manual', 'subscription'))
        OR (kind = 'action' AND trigger_mode IS NULL)),
      CONSTRAINT chk_components_polling_interval CHECK (polling_interval IS NULL OR polling_interval > 0),
      CONSTRAINT chk_components_webhook CHECK (webhook_endpoint IS NULL OR kind = 'trigger'),
      CONSTRAINT chk_components_schemas CHECK (
        jsonb_typeof(config_schema) = 'object' AND jsonb_typeof(output_schema) = 'object')
    )`,
    'CREATE INDEX idx_components_kind ON components (kind) WHERE is_active',
    updatedAtTrigger('components'),

    // Seed 001's variables table, derived from the schemas rather than stored twice.
    `CREATE VIEW component_variables AS
      SELECT c.id AS component_id, p.key AS name, p.value ->> 'description' AS description,
        'parameter'::text AS kind,
        COALESCE(p.value ->> 'format', p.value ->> 'type', 'json') AS type,
        NOT (COALESCE(c.config_schema -> 'required', '[]'::jsonb) ? p.key) AS nullable,
        p.value ->> 'placeholder' AS placeholder,
        p.value ->> 'pattern' AS validation_regex,
        COALESCE((p.value ->> 'x-order')::int, 0) AS display_order
      FROM components c, jsonb_each(COALESCE(c.config_schema -> 'properties', '{}'::jsonb)) p
      UNION ALL
      SELECT c.id, p.key, p.value ->> 'description', 'return_value',
        COALESCE(p.value ->> 'format', p.value ->> 'type', 'json'),
        NOT (COALESCE(c.output_schema -> 'required', '[]'::jsonb) ? p.key),
        NULL, NULL, COALESCE((p.value ->> 'x-order')::int, 0)
      FROM components c, jsonb_each(COALESCE(c.output_schema -> 'properties', '{}'::jsonb)) p`,

    `CREATE TABLE integration_templates (
      id uuid PRIMARY KEY DEFAULT area_uuid_v7(),
      service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
      template_name varchar(100) NOT NULL,
      description text,
      configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
      required_scopes text[] NOT NULL DEFAULT ARRAY[]::text[],
      setup_guide text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_integration_templates_name UNIQUE (service_id, template_name)
    )`,
    updatedAtTrigger('integration_templates'),

    `CREATE TABLE user_oauth2_accounts (
      provider varchar(100) NOT NULL,
      provider_account_id varchar(255) NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      service_id uuid REFERENCES services (id) ON DELETE SET NULL,
      email varchar(255),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, provider_account_id)
    )`,
    'CREATE INDEX idx_user_oauth2_accounts_user_id ON user_oauth2_accounts (user_id)',
    'CREATE INDEX idx_user_oauth2_accounts_service_id ON user_oauth2_accounts (service_id)',
    updatedAtTrigger('user_oauth2_accounts'),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    'DROP TABLE user_oauth2_accounts',
    'DROP TABLE integration_templates',
    'DROP VIEW component_variables',
    'DROP TABLE components',
    'DROP TABLE services',
  ]);
}
