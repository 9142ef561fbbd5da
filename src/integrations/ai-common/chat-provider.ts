import type { ConnectionInfo, LimitedFetch } from '../../catalog/context.ts';
import type { JsonSchema } from '../../catalog/props.ts';

/**
 * The one interface every language-model provider implements (OpenAI-compatible, Anthropic, Gemini).
 * The four AI actions are written against it, and the assistant feature reuses it for its chat.
 */

export interface ToolCall {
  /** The provider's id of the call (Gemini has none: the tool name is used). */
  id: string;
  name: string;
  /** Parsed arguments. */
  arguments: unknown;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: readonly ToolCall[] }
  /** The result of a tool the model called, sent back on the next turn. */
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: JsonSchema;
}

export interface ChatRequest {
  model: string;
  messages: readonly ChatMessage[];
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  /**
   * Ask for a JSON answer matching this object schema with the provider's native structured output
   * (OpenAI response_format json_schema, an Anthropic forced tool, Gemini responseSchema).
   */
  jsonSchema?: { name: string; description?: string; schema: JsonSchema } | undefined;
  /** Tools the model may call; their calls come back in `toolCalls`. */
  tools?: readonly ToolSpec[] | undefined;
  signal?: AbortSignal | undefined;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface ChatResult {
  text: string;
  /** The parsed JSON answer when `jsonSchema` was asked and the answer parsed; not yet validated. */
  json?: unknown;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  /** The model that answered, as the provider names it. */
  model: string;
  /** The provider's stop reason (stop, length, end_turn, tool_use, MAX_TOKENS, ...). */
  finishReason: string | null;
}

export type ChatChunk = { type: 'text'; text: string } | { type: 'done'; result: ChatResult };

export interface ChatProvider {
  /** Display name used in messages ("Anthropic"). */
  readonly name: string;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Text as it is generated, then the whole result (text answers; tools and JSON go through chat). */
  stream?(request: ChatRequest): AsyncIterable<ChatChunk>;
}

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

export function usageOf(input: number | undefined, output: number | undefined, total?: number): TokenUsage {
  const i = input ?? 0;
  const o = output ?? 0;
  return { inputTokens: i, outputTokens: o, totalTokens: total ?? i + o };
}

/** What building a provider from a connection needs: an action's context fits, so does the assistant's. */
export interface ProviderContext {
  /** The connection's decrypted credentials. */
  auth: unknown;
  http: LimitedFetch;
  signal: AbortSignal;
  connection?: ConnectionInfo | undefined;
}
