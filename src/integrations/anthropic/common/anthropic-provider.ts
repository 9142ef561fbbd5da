import type { LimitedFetch } from '../../../catalog/context.ts';
import {
  type ChatChunk,
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResult,
  usageOf,
} from '../../ai-common/chat-provider.ts';
import { streamEvents } from '../../ai-common/sse-stream.ts';
import { createApiClient } from '../../api-client/api-client.ts';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
/** The Messages API requires max_tokens; this is used when the node sets none. */
const DEFAULT_MAX_TOKENS = 4096;

export interface AnthropicProviderOptions {
  http: LimitedFetch;
  signal: AbortSignal;
  apiKey: string;
  baseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

interface MessageResponse {
  model: string;
  content: Block[];
  stop_reason: string | null;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_creation_input_tokens?: number;
    cache_read_input_tokens?: number;
  };
}

interface StreamEvent {
  type: string;
  message?: { model?: string; usage?: { input_tokens?: number } };
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  usage?: { output_tokens?: number };
  error?: { message?: string };
}

/** System text apart; tool results travel as user turns; consecutive turns of one role are merged. */
export function toWire(messages: readonly ChatMessage[]): {
  system: string | undefined;
  messages: WireMessage[];
} {
  const system: string[] = [];
  const wire: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]) => {
    const last = wire.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'system') system.push(m.content);
    else if (m.role === 'user') push('user', [{ type: 'text', text: m.content }]);
    else if (m.role === 'tool')
      push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
    else {
      const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const call of m.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments ?? {} });
      push('assistant', blocks);
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: wire };
}

/** A client of Anthropic's Messages API; JSON answers come through a forced tool call. */
export function createAnthropicProvider(options: AnthropicProviderOptions): ChatProvider {
  const baseUrl = (options.baseUrl || ANTHROPIC_BASE_URL).replace(/\/+$/, '');
  const headers = () => ({ 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION });

  function body(request: ChatRequest, stream: boolean): Record<string, unknown> {
    const { system, messages } = toWire(request.messages);
    const tools = (request.tools ?? []).map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.parameters,
    }));
    const json = request.jsonSchema;
    if (json)
      tools.push({
        name: json.name,
        description: json.description ?? 'Record the answer',
        input_schema: json.schema,
      });
    return {
      model: request.model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      ...(system ? { system } : {}),
      messages,
      ...(request.temperature !== undefined ? { temperature: Math.min(request.temperature, 1) } : {}),
      ...(tools.length > 0 ? { tools } : {}),
      ...(json ? { tool_choice: { type: 'tool', name: json.name } } : {}),
      ...(stream ? { stream: true } : {}),
    };
  }

  return {
    name: 'Anthropic',
    async chat(request) {
      const api = createApiClient({
        service: 'Anthropic',
        http: options.http,
        signal: request.signal ?? options.signal,
        baseUrl,
        headers,
      });
      const answer = await api.json<MessageResponse>({
        method: 'POST',
        path: '/v1/messages',
        json: body(request, false),
      });
      const text = answer.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      const calls = answer.content.flatMap((b) => (b.type === 'tool_use' ? [b] : []));
      const u = answer.usage ?? {};
      const input =
        (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
      const result: ChatResult = {
        text,
        toolCalls: calls
          .filter((c) => c.name !== request.jsonSchema?.name)
          .map((c) => ({ id: c.id, name: c.name, arguments: c.input })),
        model: answer.model ?? request.model,
        finishReason: answer.stop_reason,
        usage: usageOf(input, u.output_tokens),
      };
      const forced = request.jsonSchema ? calls.find((c) => c.name === request.jsonSchema?.name) : undefined;
      if (forced) result.json = forced.input;
      return result;
    },
    async *stream(request): AsyncGenerator<ChatChunk> {
      let text = '';
      let model = request.model;
      let finishReason: string | null = null;
      let input = 0;
      let output = 0;
      for await (const event of streamEvents({
        service: 'Anthropic',
        url: `${baseUrl}/v1/messages`,
        headers: headers(),
        body: JSON.stringify(body({ ...request, jsonSchema: undefined }, true)),
        signal: request.signal ?? options.signal,
        fetch: options.fetch,
      })) {
        const data = JSON.parse(event.data) as StreamEvent;
        switch (data.type) {
          case 'message_start':
            model = data.message?.model ?? model;
            input = data.message?.usage?.input_tokens ?? 0;
            break;
          case 'content_block_delta':
            if (data.delta?.type === 'text_delta' && data.delta.text) {
              text += data.delta.text;
              yield { type: 'text', text: data.delta.text };
            }
            break;
          case 'message_delta':
            finishReason = data.delta?.stop_reason ?? finishReason;
            output = data.usage?.output_tokens ?? output;
            break;
          case 'error':
            throw new Error(`Anthropic: ${data.error?.message ?? 'the stream failed'}`);
        }
      }
      yield {
        type: 'done',
        result: { text, toolCalls: [], model, finishReason, usage: usageOf(input, output) },
      };
    },
  };
}
