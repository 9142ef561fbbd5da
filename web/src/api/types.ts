/** The shapes the web app reads from the API. Fields the API may not send yet are optional. */

export interface User {
  id: string;
  email: string;
  name?: string | null;
  username?: string | null;
  timezone?: string | null;
  isAdmin?: boolean;
  roles?: string[];
  isActive?: boolean;
  creditsUsed?: number;
  creditsLimit?: number | null;
  createdAt?: string;
  lastLoginAt?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  keyPrefix?: string;
  prefix?: string;
  scopes?: string[];
  permissions?: string[];
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  createdAt?: string;
  key?: string;
}

export type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  title?: string;
  description?: string;
};

export interface Component {
  key: string;
  kind: 'trigger' | 'action';
  name: string;
  description?: string;
  mode?: string | null;
  requiresConnection?: boolean;
  configSchema?: JsonSchema;
  outputSchema?: JsonSchema;
  sampleOutput?: unknown;
}

export interface Service {
  key: string;
  name: string;
  description?: string;
  iconUrl?: string | null;
  category?: string | null;
  requiresAuth?: boolean;
  authType?: string | null;
  authSchema?: JsonSchema | null;
  components?: Component[];
  triggers?: Component[];
  actions?: Component[];
}

export interface NodePosition {
  x: number;
  y: number;
}

export interface DefinitionTrigger {
  key: string;
  service: string;
  component: string;
  connection?: string;
  config: Record<string, unknown>;
  label?: string;
  position?: NodePosition;
  enabled?: boolean;
}

export interface DefinitionNode {
  key: string;
  type?: 'action' | 'condition' | 'filter' | 'delay';
  service?: string;
  component?: string;
  connection?: string;
  config: Record<string, unknown>;
  label?: string;
  position?: NodePosition;
  retry?: { maxAttempts: number; backoff?: 'fixed' | 'exponential'; delayMs?: number };
  enabled?: boolean;
}

export interface DefinitionEdge {
  from: string;
  to: string;
  when?: 'true' | 'false' | 'error';
}

export interface Definition {
  name: string;
  description?: string;
  tags?: string[];
  trigger?: DefinitionTrigger;
  nodes: DefinitionNode[];
  edges: DefinitionEdge[];
  settings?: Record<string, unknown>;
}

export type WorkflowStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface Workflow extends Partial<Definition> {
  id: string;
  name: string;
  description?: string;
  status: WorkflowStatus;
  version?: number;
  tags?: string[];
  definition?: Definition;
  webhookToken?: string | null;
  webhookUrl?: string | null;
  activeVersion?: number | null;
  triggerType?: string | null;
  warnings?: { path: string; message: string }[];
  lastTriggeredAt?: string | null;
  triggeredCount?: number;
  successfulExecutions?: number;
  failedExecutions?: number;
  updatedAt?: string;
  createdAt?: string;
}

export interface WorkflowVersion {
  version: number;
  id?: string;
  createdAt?: string;
  publishedAt?: string;
  definition?: Definition;
  note?: string | null;
}

export interface Template {
  id: string;
  name: string;
  description?: string;
  category?: string | null;
  difficulty?: string | null;
  requiredIntegrations?: string[];
  requiredServices?: string[];
  services?: string[];
  isFeatured?: boolean;
  useCount?: number;
  definition?: Definition;
  templateData?: Definition;
}

export type RunStatus = 'pending' | 'running' | 'waiting' | 'success' | 'failed' | 'cancelled' | 'skipped';

export interface Step {
  id?: string;
  nodeKey: string;
  status: RunStatus;
  attempt?: number;
  attemptCount?: number;
  input?: unknown;
  output?: unknown;
  error?: string | { message?: string } | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  completedAt?: string | null;
  durationMs?: number | null;
}

export interface LogLine {
  id?: string;
  level: string;
  message: string;
  nodeKey?: string | null;
  data?: unknown;
  createdAt?: string;
}

export interface Run {
  id: string;
  workflowId: string;
  workflowName?: string;
  workflow?: { id: string; name: string };
  status: RunStatus;
  triggerData?: unknown;
  output?: unknown;
  errorMessage?: string | null;
  error?: string | null;
  errorNodeKey?: string | null;
  mode?: string;
  retryOf?: string | null;
  totalSteps?: number;
  completedSteps?: number;
  workflowVersion?: number;
  createdAt?: string;
  startedAt?: string | null;
  completedAt?: string | null;
  durationMs?: number | null;
  steps?: Step[];
  logs?: LogLine[];
  definition?: Definition;
}

export interface Connection {
  id: string;
  name: string;
  service: string;
  serviceKey?: string;
  serviceName?: string;
  status: string;
  errorMessage?: string | null;
  lastTestedAt?: string | null;
  createdAt?: string;
}

export interface Secret {
  id?: string;
  name: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  entityType?: string;
  entityId?: string | null;
  userId?: string | null;
  userAgent?: string | null;
  ipAddress?: string | null;
  createdAt: string;
  details?: unknown;
  changes?: unknown;
}

export interface StatusCheck {
  serviceName: string;
  status: string;
  responseTimeMs?: number | null;
  errorMessage?: string | null;
  checkedAt?: string;
}
