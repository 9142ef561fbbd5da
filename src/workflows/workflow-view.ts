import type { Selectable } from 'kysely';
import { type Static, Type } from 'typebox';
import type { WorkflowsTable } from '../db/types.ts';
import { DraftDefinition } from './definition.ts';
import { FieldProblemSchema } from './problem-schema.ts';

/** A workflow as the API shows it to its owner. */
export const WorkflowView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([
    Type.Literal('draft'),
    Type.Literal('active'),
    Type.Literal('paused'),
    Type.Literal('archived'),
  ]),
  /** The latest published version (0 = never published). */
  version: Type.Integer(),
  /** The version the engine runs, if any. */
  activeVersion: Type.Union([Type.Integer(), Type.Null()]),
  triggerType: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  /** Present once a webhook-triggered workflow is activated: the secret part of its webhook URL. */
  webhookToken: Type.Union([Type.String(), Type.Null()]),
  /** Where the webhook trigger listens (PUBLIC_URL/hooks/<token>). */
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  createdFromChat: Type.Boolean(),
  triggeredCount: Type.Integer(),
  successfulExecutions: Type.Integer(),
  failedExecutions: Type.Integer(),
  lastTriggeredAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type WorkflowView = Static<typeof WorkflowView>;

/** One workflow with its draft graph and what the draft still lacks. */
export const WorkflowDetail = Type.Intersect([
  WorkflowView,
  Type.Object({
    definition: DraftDefinition,
    warnings: Type.Array(FieldProblemSchema),
  }),
]);
export type WorkflowDetail = Static<typeof WorkflowDetail>;

/** The path the webhook intake answers on, under PUBLIC_URL. */
export const WEBHOOK_PATH = '/hooks/';

export function workflowView(row: Selectable<WorkflowsTable>, publicUrl = ''): WorkflowView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    version: row.version,
    activeVersion: row.active_version,
    triggerType: row.trigger_type,
    tags: row.tags,
    webhookToken: row.webhook_token,
    webhookUrl: row.webhook_token ? `${publicUrl}${WEBHOOK_PATH}${row.webhook_token}` : null,
    createdFromChat: row.created_from_chat,
    triggeredCount: row.triggered_count,
    successfulExecutions: row.successful_executions,
    failedExecutions: row.failed_executions,
    lastTriggeredAt: row.last_triggered_at ? row.last_triggered_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
