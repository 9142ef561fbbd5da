import type { AppContext } from '../app-context.ts';
import { AppError } from '../http/errors.ts';
import type { ConfigChecker } from '../workflows/config-checker.ts';
import { catalogText, loadCatalogView } from './catalog-view.ts';
import type { ChatMessage, ChatProvider, TokenUsage } from './chat-provider.ts';
import type { Question } from './check-proposal.ts';
import { chargeCredits, creditsFor, ensureCredits } from './credits.ts';
import { embedMessages } from './message-search.ts';
import type { ProposalView } from './proposal-view.ts';
import { providerFromConnection, providerFromSettings } from './resolve-provider.ts';
import { runTurn, type ToolRecord } from './run-turn.ts';
import {
  addMessage,
  contextOf,
  getSession,
  type Intent,
  listMessages,
  type SessionContext,
  type SessionRow,
  updateSession,
} from './session-store.ts';
import { PROMPT_VERSION, systemPrompt } from './system-prompt.ts';
import { connectionList, runContext, workflowContext } from './turn-context.ts';

export type AssistantDeps = Pick<AppContext, 'db' | 'keys' | 'config' | 'log' | 'catalog'> & {
  checker: ConfigChecker;
};

export interface MessageInput {
  content: string;
  /** A workflow of the caller to explain or change. */
  workflowId?: string | undefined;
  /** A run of the caller to diagnose. */
  executionId?: string | undefined;
}

export interface PreparedTurn {
  session: SessionRow;
  provider: ChatProvider;
  context: Record<string, unknown>;
  intent: Intent;
}

export interface TurnSummary {
  messageId: string;
  text: string;
  proposal: ProposalView | null;
  questions: Question[];
  model: string;
  usage: TokenUsage & { credits: number };
  promptVersion: string;
  refusedTools: string[];
}

/** The model a session talks to: the user's own AI connection, or the admin's settings. */
export async function providerFor(
  deps: AssistantDeps,
  userId: string,
  context: SessionContext,
): Promise<ChatProvider> {
  if (context.connectionId) return providerFromConnection(deps, userId, context.connectionId, context.model);
  const provider = providerFromSettings(deps.config.assistant);
  if (!provider) {
    throw new AppError(
      'unavailable',
      'No model is configured: set ASSISTANT_PROVIDER, or start the session with one of your AI connections',
      {
        details: { path: 'connectionId', rule: 'model_required' },
      },
    );
  }
  return provider;
}

/** Everything that can refuse a message, checked before the answer starts streaming. */
export async function prepareTurn(
  deps: AssistantDeps,
  userId: string,
  sessionId: string,
  input: MessageInput,
): Promise<PreparedTurn> {
  const session = await getSession(deps.db, userId, sessionId);
  if (session.status === 'archived') {
    throw new AppError('conflict', 'The session is archived: start a new one', {
      details: { path: 'status', rule: 'archived' },
    });
  }
  const provider = await providerFor(deps, userId, contextOf(session));
  await ensureCredits(deps.db, userId);
  let context: Record<string, unknown> = {};
  let intent: Intent = session.intent ?? 'workflow_creation';
  if (input.executionId) {
    context = await runContext(deps.db, userId, input.executionId);
    intent = 'troubleshooting';
  } else if (input.workflowId ?? session.workflow_id) {
    context = await workflowContext(deps.db, userId, (input.workflowId ?? session.workflow_id) as string);
    if (input.workflowId) intent = 'explanation';
  }
  return { session, provider, context, intent };
}

function historyOf(rows: Awaited<ReturnType<typeof listMessages>>): ChatMessage[] {
  const history: ChatMessage[] = [];
  for (const row of rows.slice(-20)) {
    if (row.role === 'user') history.push({ role: 'user', content: row.content });
    else if (row.role === 'assistant' && row.content)
      history.push({ role: 'assistant', content: row.content });
  }
  return history;
}

/** Runs the turn, streaming text through `onText`, and stores it (messages, session context, credits). */
export async function completeTurn(
  deps: AssistantDeps,
  userId: string,
  prepared: PreparedTurn,
  input: MessageInput,
  events: { onText?: (delta: string) => void; onTool?: (record: ToolRecord) => void; signal?: AbortSignal },
): Promise<TurnSummary> {
  const { session, provider } = prepared;
  const sessionContext = contextOf(session);
  const history = historyOf(await listMessages(deps.db, session.id, 40));
  const userMessage = await addMessage(deps.db, session.id, 'user', input.content, {
    ...(input.workflowId ? { workflowId: input.workflowId } : {}),
    ...(input.executionId ? { executionId: input.executionId } : {}),
  });
  const catalog = await loadCatalogView(deps.db);
  const context = {
    ...prepared.context,
    ...(sessionContext.proposal ? { currentProposal: sessionContext.proposal['definition'] } : {}),
  };
  const system = systemPrompt({
    catalog: catalogText(catalog),
    connections: await connectionList(deps.db, userId),
    context,
  });

  const started = performance.now();
  const result = await runTurn(
    {
      db: deps.db,
      tools: { checker: deps.checker, catalog: deps.catalog },
      provider,
      catalog,
      repairRounds: deps.config.assistant.repairRounds,
      ...(events.signal ? { signal: events.signal } : {}),
    },
    { userId, system, history, content: input.content },
    {
      text: (delta) => events.onText?.(delta),
      tool: (record) => events.onTool?.(record),
    },
  );
  const latencyMs = Math.round(performance.now() - started);
  const credits = creditsFor(result.usage, deps.config.assistant.tokensPerCredit);

  for (const record of result.tools) {
    await addMessage(deps.db, session.id, 'tool', JSON.stringify(record.result), {
      tool: record.tool,
      round: record.round,
      ok: record.ok,
    });
  }
  const text = result.text || (result.proposal ? result.proposal.summary : '');
  const metadata = {
    provider: provider.kind,
    model: result.model,
    tokensIn: result.usage.inputTokens,
    tokensOut: result.usage.outputTokens,
    latencyMs,
    promptVersion: PROMPT_VERSION,
    credits,
    modelCalls: result.calls,
    ...(result.proposal ? { proposal: result.proposal } : {}),
    ...(result.questions.length > 0 ? { questions: result.questions } : {}),
    ...(result.refused.length > 0 ? { refusedTools: result.refused } : {}),
  };
  const assistantMessage = await addMessage(deps.db, session.id, 'assistant', text, metadata);
  await updateSession(deps.db, session.id, {
    intent: prepared.intent,
    ...(session.session_name ? {} : { name: input.content.replace(/\s+/g, ' ').trim().slice(0, 80) }),
    ...(result.proposal
      ? {
          context: {
            ...sessionContext,
            proposal: result.proposal as unknown as Record<string, unknown>,
            promptVersion: PROMPT_VERSION,
          },
        }
      : {}),
  });
  await chargeCredits(deps.db, userId, credits);
  // Embeddings live in one vector space: the admin's embedding model's.
  const embedder = providerFromSettings(deps.config.assistant);
  await embedMessages(deps.db, embedder, [
    { id: userMessage.id, content: userMessage.content },
    { id: assistantMessage.id, content: text },
  ]).catch((error: unknown) => deps.log.warn({ err: error }, 'assistant: embedding failed'));

  return {
    messageId: assistantMessage.id,
    text,
    proposal: result.proposal ?? null,
    questions: result.questions,
    model: result.model,
    usage: { ...result.usage, credits },
    promptVersion: PROMPT_VERSION,
    refusedTools: result.refused,
  };
}
