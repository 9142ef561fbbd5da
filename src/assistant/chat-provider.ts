/**
 * The seam between the assistant and a model: one chat call (streamed text, tool calls, token usage)
 * and, when the provider has them, embeddings. Each provider file turns this into its own wire format.
 */

export type JsonSchema = { [key: string]: unknown };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text; may be invalid). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxTokens?: number;
  signal?: AbortSignal;
  /** Called with each piece of text as it arrives. */
  onText?: (delta: string) => void;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  model: string;
}

export interface ChatProvider {
  /** `openai`, `anthropic` or `gemini`. */
  kind: string;
  model: string;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** 1536-dimension vectors, one per text; absent when no embedding model is set. */
  embed?(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A provider answered with an error or something unreadable. */
export class ProviderError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ProviderError';
    this.status = status;
  }
}
