import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table, kept by hand beside the migrations in ./migrations.
 * types-match.test.ts compares these names with the live catalog, so a column added in SQL and
 * forgotten here (or the reverse) fails the suite.
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Id = ColumnType<string, string | undefined, never>;
export type Json = ColumnType<JsonValue, JsonValue | string, JsonValue | string>;
export type NullableJson = ColumnType<
  JsonValue | null,
  JsonValue | string | null | undefined,
  JsonValue | string | null
>;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface UsersTable {
  id: Id;
  email: string;
  username: string | null;
  name: string | null;
  password_hash: string | null;
  avatar_url: string | null;
  is_active: WithDefault<boolean>;
  email_verified_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
  timezone: WithDefault<string>;
  plan_type: WithDefault<'free' | 'pro' | 'enterprise'>;
  credits_used: WithDefault<number>;
  credits_limit: WithDefault<number>;
  onboarding_completed: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface RolesTable {
  id: Id;
  name: string;
  description: string | null;
  permissions: Json;
  is_builtin: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserRolesTable {
  id: Id;
  user_id: string;
  role_id: string;
  assigned_at: CreatedAt;
  assigned_by: string | null;
}

export interface RefreshTokensTable {
  id: Id;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  replaced_by: string | null;
  ip_address: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Id;
  user_id: string;
  key_name: string;
  key_prefix: string;
  key_hash: string;
  permissions: WithDefault<string[]>;
  last_used_at: NullableTimestamp;
  usage_count: WithDefault<number>;
  expires_at: NullableTimestamp;
  is_active: WithDefault<boolean>;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserPreferencesTable {
  id: Id;
  user_id: string;
  preference_key: string;
  preference_value: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type AuthType = 'none' | 'api_key' | 'basic' | 'bearer' | 'oauth2' | 'custom';

export interface ServicesTable {
  id: Id;
  key: string;
  name: string;
  description: string | null;
  icon_url: string | null;
  category: string | null;
  requires_auth: WithDefault<boolean>;
  auth_type: WithDefault<AuthType>;
  auth_schema: Json;
  docs_url: string | null;
  is_active: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type TriggerMode = 'webhook' | 'polling' | 'schedule' | 'manual' | 'subscription';

export interface ComponentsTable {
  id: Id;
  service_id: string;
  key: string;
  kind: 'trigger' | 'action';
  name: string;
  description: string | null;
  trigger_mode: TriggerMode | null;
  webhook_endpoint: string | null;
  polling_interval: number | null;
  config_schema: Json;
  output_schema: Json;
  sample_output: NullableJson;
  is_active: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ComponentVariablesView {
  component_id: string;
  name: string;
  description: string | null;
  kind: 'parameter' | 'return_value';
  type: string;
  nullable: boolean;
  placeholder: string | null;
  validation_regex: string | null;
  display_order: number;
}

export interface IntegrationTemplatesTable {
  id: Id;
  service_id: string;
  template_name: string;
  description: string | null;
  configuration: Json;
  required_scopes: WithDefault<string[]>;
  setup_guide: string | null;
  is_active: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserOauth2AccountsTable {
  provider: string;
  provider_account_id: string;
  user_id: string;
  service_id: string | null;
  email: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ConnectionStatus = 'active' | 'inactive' | 'error' | 'expired';

export interface ConnectionsTable {
  id: Id;
  user_id: string;
  service_id: string;
  name: string;
  encrypted_credentials: string;
  config: Json;
  status: WithDefault<ConnectionStatus>;
  token_expires_at: NullableTimestamp;
  last_tested_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  error_message: string | null;
  metadata: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface SecretsTable {
  id: Id;
  user_id: string;
  name: string;
  description: string | null;
  encrypted_payload: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type WorkflowStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface WorkflowsTable {
  id: Id;
  user_id: string;
  name: string;
  description: string | null;
  status: WithDefault<WorkflowStatus>;
  version: WithDefault<number>;
  active_version: number | null;
  trigger_type: TriggerMode | null;
  tags: WithDefault<string[]>;
  is_template: WithDefault<boolean>;
  is_public: WithDefault<boolean>;
  configuration: Json;
  webhook_token: string | null;
  created_from_chat: WithDefault<boolean>;
  chat_session_id: string | null;
  llm_prompt_version: string | null;
  triggered_count: WithDefault<number>;
  successful_executions: WithDefault<number>;
  failed_executions: WithDefault<number>;
  last_triggered_at: NullableTimestamp;
  average_duration_ms: number | null;
  trigger_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface WorkflowVersionsTable {
  id: Id;
  workflow_id: string;
  version: number;
  name: string;
  description: string | null;
  definition: Json;
  created_by: string | null;
  restored_from: number | null;
  created_at: CreatedAt;
}

export type NodeType = 'trigger' | 'action' | 'condition' | 'filter' | 'delay';

export interface WorkflowNodesTable {
  id: Id;
  workflow_id: string;
  node_key: string;
  node_type: NodeType;
  component_id: string | null;
  connection_id: string | null;
  label: string | null;
  ordinal: WithDefault<number>;
  position_x: number | null;
  position_y: number | null;
  config: Json;
  error_handling: Json;
  is_enabled: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type EdgeType = 'default' | 'true' | 'false' | 'error';

export interface WorkflowEdgesTable {
  id: Id;
  workflow_id: string;
  source_node_key: string;
  target_node_key: string;
  edge_type: WithDefault<EdgeType>;
  configuration: Json;
  created_at: CreatedAt;
}

export interface WorkflowTemplatesTable {
  id: Id;
  slug: string;
  name: string;
  description: string | null;
  category: string;
  difficulty: WithDefault<'beginner' | 'intermediate' | 'advanced'>;
  required_integrations: WithDefault<string[]>;
  template_data: Json;
  preview_image: string | null;
  use_count: WithDefault<number>;
  is_featured: WithDefault<boolean>;
  is_public: WithDefault<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface HookStatesTable {
  workflow_id: string;
  state_key: string;
  state_value: string | null;
  last_checked_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ExecutionStatus =
  | 'pending'
  | 'running'
  | 'waiting'
  | 'success'
  | 'failed'
  | 'cancelled'
  | 'skipped';
export type ExecutionMode =
  | 'webhook'
  | 'schedule'
  | 'polling'
  | 'subscription'
  | 'manual'
  | 'retry'
  | 'rerun';

export interface ExecutionsTable {
  id: Id;
  workflow_id: string;
  user_id: string;
  workflow_version: number | null;
  version_id: string | null;
  status: WithDefault<ExecutionStatus>;
  mode: WithDefault<ExecutionMode>;
  trigger_data: NullableJson;
  output: NullableJson;
  error_message: string | null;
  error_node_key: string | null;
  total_steps: WithDefault<number>;
  completed_steps: WithDefault<number>;
  failed_steps: WithDefault<number>;
  credits_used: WithDefault<number>;
  idempotency_key: string | null;
  retry_of: string | null;
  metadata: Json;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  duration_ms: number | null;
  /** Until when the process running it holds the run (renewed while it runs). */
  lease_until: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type StepStatus = 'pending' | 'running' | 'waiting' | 'success' | 'failed' | 'skipped' | 'cancelled';

export interface ExecutionStepsTable {
  id: Id;
  execution_id: string;
  node_key: string;
  status: WithDefault<StepStatus>;
  attempt_count: WithDefault<number>;
  input: NullableJson;
  output: NullableJson;
  error: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  duration_ms: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ExecutionLogsTable {
  id: Id;
  execution_id: string;
  node_key: string | null;
  log_level: WithDefault<'debug' | 'info' | 'warn' | 'error'>;
  message: string;
  data: NullableJson;
  created_at: CreatedAt;
}

export interface ChatSessionsTable {
  id: Id;
  user_id: string;
  session_name: string | null;
  intent: 'workflow_creation' | 'help' | 'troubleshooting' | 'explanation' | null;
  context: Json;
  status: WithDefault<'active' | 'completed' | 'abandoned' | 'archived'>;
  workflow_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChatMessagesTable {
  id: Id;
  session_id: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  metadata: Json;
  /** pgvector's text form ('[0.1,0.2]') where the extension exists, a real[] otherwise. */
  embedding: ColumnType<
    string | number[] | null,
    string | number[] | null | undefined,
    string | number[] | null
  >;
  search_vector: ColumnType<string, never, never>;
  created_at: CreatedAt;
}

export interface AuditLogsTable {
  id: Id;
  user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: NullableJson;
  details: Json;
  ip_address: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface SystemStatusTable {
  id: Id;
  service_name: string;
  status: 'healthy' | 'degraded' | 'down';
  response_time: number | null;
  error_message: string | null;
  metadata: Json;
  checked_at: CreatedAt;
}

export interface FilesTable {
  id: Id;
  user_id: string;
  filename: string;
  original_filename: string;
  mime_type: string;
  file_size: number;
  file_path: string;
  checksum: string | null;
  is_public: WithDefault<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

/** Shards of a workflow's run counters (added to its own columns). */
export interface WorkflowRunCountsTable {
  workflow_id: string;
  shard: number;
  triggered_count: WithDefault<number>;
  successful_executions: WithDefault<number>;
  failed_executions: WithDefault<number>;
  total_duration_ms: WithDefault<number>;
  last_triggered_at: NullableTimestamp;
}

/** Fingerprints of what the code ships into the database, written with it (see sync-fingerprints.ts). */
export interface SyncFingerprintsTable {
  name: string;
  fingerprint: string;
  synced_at: Timestamp;
}

export interface DB {
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  user_preferences: UserPreferencesTable;
  services: ServicesTable;
  components: ComponentsTable;
  component_variables: ComponentVariablesView;
  integration_templates: IntegrationTemplatesTable;
  user_oauth2_accounts: UserOauth2AccountsTable;
  connections: ConnectionsTable;
  secrets: SecretsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_nodes: WorkflowNodesTable;
  workflow_edges: WorkflowEdgesTable;
  workflow_templates: WorkflowTemplatesTable;
  workflow_run_counts: WorkflowRunCountsTable;
  sync_fingerprints: SyncFingerprintsTable;
  hook_states: HookStatesTable;
  executions: ExecutionsTable;
  execution_steps: ExecutionStepsTable;
  execution_logs: ExecutionLogsTable;
  chat_sessions: ChatSessionsTable;
  chat_messages: ChatMessagesTable;
  audit_logs: AuditLogsTable;
  system_status: SystemStatusTable;
  files: FilesTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Workflow = Selectable<WorkflowsTable>;
export type Execution = Selectable<ExecutionsTable>;
export type Connection = Selectable<ConnectionsTable>;
export type Service = Selectable<ServicesTable>;
export type Component = Selectable<ComponentsTable>;
