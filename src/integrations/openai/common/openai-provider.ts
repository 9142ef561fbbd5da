import type { LimitedFetch } from '../../../catalog/context.ts';
import {
  type ChatChunk,
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResult,
  type ToolCall,
  usageOf,
} from '../../ai-common/chat-provider.ts';
import { parseJsonAnswer } from '../../ai-common/json-answer.ts';
import { streamEvents } from '../../ai-common/sse-stream.ts';
import { createApiClient } from '../../api-client/api-client.ts';
import { ApiError } from '../../api-client/api-error.ts';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** How the server takes a JSON Schema: OpenAI and most compatible servers know `json_schema`. */
export type StructuredOutput = 'json_schema' | 'json_object' | 'none';

export interface OpenAiProviderOptions {
  http: LimitedFetch;
  signal: AbortSignal;
  baseUrl?: string | undefined;
  /** Optional: local servers (Ollama, vLLM) often need none. */
  apiKey?: string | undefined;
  structuredOutput?: StructuredOutput | undefined;
  /** Extra headers (OpenRouter's HTTP-Referer / X-Title, an organization header). */
  headers?: Record<string, string> | undefined;
  /** The display name in errors ("OpenRouter"). */
  name?: string | undefined;
  /** For streaming; Node's fetch by default. */
  fetch?: typeof fetch | undefined;
}

interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface Completion {
  model: string;
  choices: {
    message: { role: string; content: string | null; tool_calls?: WireToolCall[]; refusal?: string | null };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

interface StreamChunk {
  model?: string;
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: Completion['usage'] | null;
}

function wireMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool')
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role === 'assistant' && message.toolCalls?.length) {
    return {
      role: 'assistant',
      content: message.content || null,
      tool_calls: message.toolCalls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return text;
  }
}

/** A chat client of any server speaking OpenAI's chat completions API (OpenAI, OpenRouter, Ollama, vLLM). */
export function createOpenAiProvider(options: OpenAiProviderOptions): ChatProvider {
  const name = options.name ?? 'OpenAI';
  const baseUrl = (options.baseUrl || OPENAI_BASE_URL).replace(/\/+$/, '');
  const mode = options.structuredOutput ?? 'json_schema';
  const headers = (): Record<string, string> => ({
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...(options.headers ?? {}),
  });
  // OpenAI's own API replaced max_tokens with max_completion_tokens (reasoning models refuse the old one).
  const isOpenAi = /(^|\.)openai\.com$/i.test(new URL(baseUrl).hostname);

  function body(
    request: ChatRequest,
    stream: boolean,
    jsonMode: StructuredOutput = mode,
  ): Record<string, unknown> {
    const json = request.jsonSchema;
    return {
      model: request.model,
      messages: request.messages.map(wireMessage),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined
        ? { [isOpenAi ? 'max_completion_tokens' : 'max_tokens']: request.maxTokens }
        : {}),
      ...(json && jsonMode === 'json_schema'
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: {
                name: json.name,
                ...(json.description ? { description: json.description } : {}),
                schema: json.schema,
                strict: false,
              },
            },
          }
        : {}),
      ...(json && jsonMode === 'json_object' ? { response_format: { type: 'json_object' } } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((t) => ({
              type: 'function',
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  }

  return {
    name,
    async chat(request) {
      const api = createApiClient({
        service: name,
        http: options.http,
        signal: request.signal ?? options.signal,
        baseUrl,
        headers,
      });
      const post = (jsonMode: StructuredOutput) =>
        api.json<Completion>({
          method: 'POST',
          path: '/chat/completions',
          json: body(request, false, jsonMode),
        });
      let completion: Completion;
      try {
        completion = await post(mode);
      } catch (error) {
        // Servers and models without JSON Schema support refuse it with a 400; JSON mode is the next best.
        const refusedSchema =
          request.jsonSchema !== undefined &&
          mode === 'json_schema' &&
          error instanceof ApiError &&
          error.status === 400 &&
          /response_format|json_schema/i.test(error.message);
        if (!refusedSchema) throw error;
        completion = await post('json_object');
      }
      const choice = completion.choices?.[0];
      if (!choice) throw new Error(`${name} answered without a choice`);
      if (choice.message.refusal) throw new Error(`${name} refused: ${choice.message.refusal}`);
      const text = choice.message.content ?? '';
      const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: parseArguments(c.function.arguments),
      }));
      const result: ChatResult = {
        text,
        toolCalls,
        model: completion.model ?? request.model,
        finishReason: choice.finish_reason,
        usage: usageOf(
          completion.usage?.prompt_tokens,
          completion.usage?.completion_tokens,
          completion.usage?.total_tokens,
        ),
      };
      if (request.jsonSchema) {
        const parsed = parseJsonAnswer(text);
        if (parsed.ok) result.json = parsed.value;
      }
      return result;
    },
    async *stream(request): AsyncGenerator<ChatChunk> {
      let text = '';
      let model = request.model;
      let finishReason: string | null = null;
      let usage = usageOf(0, 0);
      for await (const event of streamEvents({
        service: name,
        url: `${baseUrl}/chat/completions`,
        headers: headers(),
        body: JSON.stringify(body(request, true)),
        signal: request.signal ?? options.signal,
        fetch: options.fetch,
      })) {
        if (event.data === '[DONE]') break;
        const chunk = JSON.parse(event.data) as StreamChunk;
        if (chunk.model) model = chunk.model;
        if (chunk.usage)
          usage = usageOf(chunk.usage.prompt_tokens, chunk.usage.completion_tokens, chunk.usage.total_tokens);
        for (const choice of chunk.choices ?? []) {
          if (choice.finish_reason) finishReason = choice.finish_reason;
          const delta = choice.delta?.content;
          if (delta) {
            text += delta;
            yield { type: 'text', text: delta };
          }
        }
      }
      yield { type: 'done', result: { text, toolCalls: [], model, finishReason, usage } };
    },
  };
}
