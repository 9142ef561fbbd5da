import type { Selectable } from 'kysely';
import type { WorkflowsTable } from '../db/types.ts';
import { AppError, type FieldProblem } from '../http/errors.ts';
import { checkDefinition } from './check-definition.ts';
import { type DraftDefinition, normalizeDefinition, type WorkflowDefinitionInput } from './definition.ts';
import { readDraftDefinition } from './graph-store.ts';
import type { WorkflowDeps } from './save-workflow.ts';

/** A workflow of the caller with its draft and what the draft still lacks for activation. */
export async function readWorkflowDetail(
  deps: WorkflowDeps,
  userId: string,
  id: string,
): Promise<{ row: Selectable<WorkflowsTable>; definition: DraftDefinition; warnings: FieldProblem[] }> {
  const row = await deps.db
    .selectFrom('workflows')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Workflow');
  const definition = await readDraftDefinition(deps.db, id);
  const checked = await checkDefinition(deps.db, deps, userId, definition, 'draft');
  return { row, definition, warnings: [...checked.errors, ...checked.warnings] };
}

/** Every problem a definition would meet at activation, without saving anything. */
export async function validateInput(
  deps: WorkflowDeps,
  userId: string,
  input: WorkflowDefinitionInput,
): Promise<{ ok: boolean; errors: FieldProblem[] }> {
  const checked = await checkDefinition(deps.db, deps, userId, normalizeDefinition(input), 'publish');
  return { ok: checked.ok, errors: checked.errors };
}
