import { streamEvents } from '../integrations/ai-common/sse-stream.ts';
import {
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResult,
  ProviderError,
  type ToolCall,
} from './chat-provider.ts';

export interface AnthropicSettings {
  /** e.g. https://api.anthropic.com */
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  fetch?: typeof fetch;
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}

/** Anthropic wants alternating turns: tool results go back as a user turn, merged with what follows. */
function toWire(messages: ChatMessage[]): WireMessage[] {
  const wire: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]) => {
    const last = wire.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'tool')
      push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
    else if (m.role === 'assistant') {
      const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.arguments) });
      if (blocks.length > 0) push('assistant', blocks);
    } else push('user', [{ type: 'text', text: m.content }]);
  }
  return wire;
}

interface StreamEvent {
  type: string;
  index?: number;
  message?: { model?: string; usage?: { input_tokens?: number; output_tokens?: number } };
  content_block?: { type: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string };
  usage?: { output_tokens?: number; input_tokens?: number };
  error?: { message?: string };
}

/** Anthropic's messages API, streamed. */
export function anthropicProvider(settings: AnthropicSettings): ChatProvider {
  const doFetch = settings.fetch ?? fetch;
  const base = settings.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return {
    kind: 'anthropic',
    model: settings.model,
    async chat(request: ChatRequest): Promise<ChatResult> {
      const events = streamEvents({
        service: 'Anthropic',
        url: `${base}/v1/messages`,
        headers: {
          'anthropic-version': '2023-06-01',
          ...(settings.apiKey ? { 'x-api-key': settings.apiKey } : {}),
        },
        body: JSON.stringify({
          model: settings.model,
          max_tokens: request.maxTokens ?? 4096,
          system: request.system,
          messages: toWire(request.messages),
          ...(request.tools.length > 0
            ? {
                tools: request.tools.map((t) => ({
                  name: t.name,
                  description: t.description,
                  input_schema: t.parameters,
                })),
              }
            : {}),
          stream: true,
        }),
        signal: request.signal,
        fetch: doFetch,
      });
      let text = '';
      let model = settings.model;
      const usage = { inputTokens: 0, outputTokens: 0 };
      const calls = new Map<number, ToolCall>();
      for await (const sse of events) {
        let event: StreamEvent;
        try {
          event = JSON.parse(sse.data) as StreamEvent;
        } catch {
          continue;
        }
        switch (event.type) {
          case 'message_start':
            model = event.message?.model ?? model;
            usage.inputTokens = event.message?.usage?.input_tokens ?? 0;
            usage.outputTokens = event.message?.usage?.output_tokens ?? 0;
            break;
          case 'content_block_start':
            if (event.content_block?.type === 'tool_use' && event.index !== undefined) {
              calls.set(event.index, {
                id: event.content_block.id ?? '',
                name: event.content_block.name ?? '',
                arguments: '',
              });
            } else if (event.content_block?.type === 'text' && event.content_block.text) {
              text += event.content_block.text;
              request.onText?.(event.content_block.text);
            }
            break;
          case 'content_block_delta':
            if (event.delta?.type === 'text_delta' && event.delta.text) {
              text += event.delta.text;
              request.onText?.(event.delta.text);
            } else if (event.delta?.type === 'input_json_delta' && event.index !== undefined) {
              const call = calls.get(event.index);
              if (call) call.arguments += event.delta.partial_json ?? '';
            }
            break;
          case 'message_delta':
            if (event.usage?.output_tokens !== undefined) usage.outputTokens = event.usage.output_tokens;
            if (event.usage?.input_tokens) usage.inputTokens = event.usage.input_tokens;
            break;
          case 'error':
            throw new ProviderError(`The model provider failed: ${event.error?.message ?? 'unknown error'}`);
        }
      }
      const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
      return { text, toolCalls, usage, model };
    },
  };
}
