import { AppError } from '../http/errors.ts';
import type { DraftDefinition } from '../workflows/definition.ts';
import {
  type Actor,
  createWorkflow,
  type SavedWorkflow,
  type WorkflowDeps,
} from '../workflows/save-workflow.ts';
import { addMessage, contextOf, getSession, updateSession } from './session-store.ts';
import { PROMPT_VERSION } from './system-prompt.ts';

/**
 * Turns the session's latest proposal into a DRAFT workflow of the caller (never an active one:
 * activating stays the user's own step in the editor).
 */
export async function acceptProposal(
  deps: WorkflowDeps,
  actor: Actor,
  sessionId: string,
  options: { name?: string | undefined } = {},
): Promise<SavedWorkflow> {
  const session = await getSession(deps.db, actor.userId, sessionId);
  const context = contextOf(session);
  const proposed = context.proposal?.['definition'] as DraftDefinition | undefined;
  if (!proposed || typeof proposed !== 'object') {
    throw new AppError('conflict', 'There is no proposal to accept in this session yet', {
      details: { path: 'proposal', rule: 'required' },
    });
  }
  const definition: DraftDefinition = { ...proposed, ...(options.name ? { name: options.name } : {}) };
  const saved = await createWorkflow(deps, actor, definition, {
    createdFromChat: true,
    chatSessionId: session.id,
    llmPromptVersion: context.promptVersion ?? PROMPT_VERSION,
    auditDetails: { chatSessionId: session.id },
  });
  await updateSession(deps.db, session.id, { status: 'completed', workflowId: saved.row.id });
  await addMessage(deps.db, session.id, 'system', `Draft workflow "${saved.row.name}" created.`, {
    workflowId: saved.row.id,
  });
  return saved;
}
