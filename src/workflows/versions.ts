import type { Kysely } from 'kysely';
import { type Static, Type } from 'typebox';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { WorkflowDefinition } from './definition.ts';

export const VersionSummary = Type.Object({
  version: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  restoredFrom: Type.Union([Type.Integer(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  /** Whether the engine runs this version now. */
  isActive: Type.Boolean(),
});
export type VersionSummary = Static<typeof VersionSummary>;

export const VersionDetail = Type.Intersect([
  VersionSummary,
  Type.Object({ definition: WorkflowDefinition }),
]);
export type VersionDetail = Static<typeof VersionDetail>;

async function ownedWorkflow(db: Kysely<DB>, userId: string, id: string) {
  const row = await db
    .selectFrom('workflows')
    .select(['id', 'active_version', 'status'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Workflow');
  return row;
}

function isRunning(workflow: { active_version: number | null; status: string }, version: number): boolean {
  return workflow.status === 'active' && workflow.active_version === version;
}

export async function listVersions(db: Kysely<DB>, userId: string, id: string): Promise<VersionSummary[]> {
  const workflow = await ownedWorkflow(db, userId, id);
  const rows = await db
    .selectFrom('workflow_versions')
    .select(['version', 'name', 'description', 'restored_from', 'created_by', 'created_at'])
    .where('workflow_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    name: r.name,
    description: r.description,
    restoredFrom: r.restored_from,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    isActive: isRunning(workflow, r.version),
  }));
}

export async function getVersion(
  db: Kysely<DB>,
  userId: string,
  id: string,
  version: number,
): Promise<VersionDetail> {
  const workflow = await ownedWorkflow(db, userId, id);
  const r = await db
    .selectFrom('workflow_versions')
    .select(['version', 'name', 'description', 'restored_from', 'created_by', 'created_at', 'definition'])
    .where('workflow_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!r) throw AppError.notFound('Version');
  return {
    version: r.version,
    name: r.name,
    description: r.description,
    restoredFrom: r.restored_from,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    isActive: isRunning(workflow, r.version),
    definition: r.definition as unknown as WorkflowDefinition,
  };
}

/**
 * The definition the engine runs for a workflow: its pinned published version.
 * Not scoped by user: the engine acts for the owner.
 */
export async function loadPublishedDefinition(
  db: Kysely<DB>,
  workflowId: string,
  version: number,
): Promise<WorkflowDefinition | undefined> {
  const row = await db
    .selectFrom('workflow_versions')
    .select('definition')
    .where('workflow_id', '=', workflowId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? (row.definition as unknown as WorkflowDefinition) : undefined;
}
