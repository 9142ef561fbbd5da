import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { CheckTools } from '../workflows/check-definition.ts';
import type { CatalogServiceView } from './catalog-view.ts';
import type { ChatMessage, ChatProvider, TokenUsage } from './chat-provider.ts';
import { checkProposal, parseAskArguments, type Question } from './check-proposal.ts';
import { ASK_TOOL, assistantTools, PROPOSE_TOOL } from './proposal-tools.ts';
import { type ProposalView, proposalView } from './proposal-view.ts';

export interface TurnDeps {
  db: Kysely<DB>;
  tools: CheckTools;
  provider: ChatProvider;
  catalog: CatalogServiceView[];
  /** How many more model calls a rejected proposal may get. */
  repairRounds: number;
  signal?: AbortSignal;
}

export interface TurnInput {
  userId: string;
  system: string;
  /** Earlier user/assistant messages, oldest first. */
  history: ChatMessage[];
  content: string;
}

/** One validation of one proposal, kept as a `tool` message of the session. */
export interface ToolRecord {
  round: number;
  tool: string;
  ok: boolean;
  result: Record<string, unknown>;
}

export interface TurnEvents {
  text?(delta: string): void;
  /** After each tool call is handled (validated, refused, ...). */
  tool?(record: ToolRecord): void;
}

export interface TurnResult {
  text: string;
  proposal: ProposalView | undefined;
  questions: Question[];
  usage: TokenUsage;
  model: string;
  /** Model calls made (1 + repairs). */
  calls: number;
  tools: ToolRecord[];
  /** Tools the model asked for that do not exist (activate, read a secret, ...). */
  refused: string[];
}

const REFUSAL =
  'is not available. The only tools are propose_workflow and ask_user: the assistant cannot activate, run or delete workflows, or read credentials and secrets. Tell the user so.';

/**
 * One user message answered: the model is called, its proposals are validated, and while they fail
 * (and rounds are left) the problems go back to it as the tool's answer so it can correct them.
 */
export async function runTurn(
  deps: TurnDeps,
  input: TurnInput,
  events: TurnEvents = {},
): Promise<TurnResult> {
  const tools = assistantTools(deps.catalog);

  const messages: ChatMessage[] = [...input.history, { role: 'user', content: input.content }];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const records: ToolRecord[] = [];
  const refused: string[] = [];
  let text = '';
  let model = deps.provider.model;
  let proposal: ProposalView | undefined;
  let questions: Question[] = [];
  let calls = 0;

  for (let round = 0; ; round++) {
    calls += 1;
    const result = await deps.provider.chat({
      system: input.system,
      messages,
      tools,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onText: (delta) => events.text?.(delta),
    });
    usage.inputTokens += result.usage.inputTokens;
    usage.outputTokens += result.usage.outputTokens;
    model = result.model;
    if (result.text) text += (text && !text.endsWith('\n') ? '\n\n' : '') + result.text;
    if (result.toolCalls.length === 0) break;

    messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
    let retry = false;
    for (const call of result.toolCalls) {
      let record: ToolRecord;
      if (call.name === PROPOSE_TOOL) {
        const checked = await checkProposal(deps.db, deps.tools, input.userId, call.arguments);
        const view = proposalView(checked, deps.catalog);
        if (view) proposal = view;
        questions = checked.questions;
        record = checked.valid
          ? { round, tool: call.name, ok: true, result: { ok: true, questions: checked.questions } }
          : {
              round,
              tool: call.name,
              ok: false,
              result: {
                ok: false,
                problems: checked.problems,
                instruction:
                  'The workflow validator rejected the proposal. Correct these paths and call propose_workflow again.',
              },
            };
        if (!checked.valid) retry = true;
      } else if (call.name === ASK_TOOL) {
        questions = [...questions, ...parseAskArguments(call.arguments)];
        record = {
          round,
          tool: call.name,
          ok: true,
          result: { ok: true, note: 'The questions are shown to the user.' },
        };
      } else {
        refused.push(call.name.slice(0, 100));
        record = {
          round,
          tool: call.name.slice(0, 100),
          ok: false,
          result: { ok: false, error: `"${call.name.slice(0, 100)}" ${REFUSAL}` },
        };
        retry = true;
      }
      records.push(record);
      events.tool?.(record);
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: JSON.stringify(record.result),
      });
    }
    if (!retry || round >= deps.repairRounds) break;
  }
  return { text, proposal, questions, usage, model, calls, tools: records, refused };
}
