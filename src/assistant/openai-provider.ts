import { streamEvents } from '../integrations/ai-common/sse-stream.ts';
import {
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResult,
  ProviderError,
  type ToolCall,
} from './chat-provider.ts';

export interface OpenAiSettings {
  /** e.g. https://api.openai.com/v1, https://openrouter.ai/api/v1, http://localhost:11434/v1 */
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  embeddingModel?: string | undefined;
  kind?: string;
  fetch?: typeof fetch;
}

interface StreamChunk {
  model?: string;
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

function toWire(system: string, messages: ChatMessage[]): unknown[] {
  const wire: unknown[] = [{ role: 'system', content: system }];
  for (const m of messages) {
    if (m.role === 'tool') wire.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
      wire.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      });
    } else wire.push({ role: m.role, content: m.content });
  }
  return wire;
}

async function failure(response: Response): Promise<ProviderError> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string };
    message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? message);
  } catch {}
  return new ProviderError(`The model provider answered ${response.status}: ${message}`, response.status);
}

/** Any API that speaks OpenAI's chat completions (OpenAI, OpenRouter, Ollama, Gemini's compatible endpoint). */
export function openAiProvider(settings: OpenAiSettings): ChatProvider {
  const doFetch = settings.fetch ?? fetch;
  const base = settings.baseUrl.replace(/\/+$/, '');
  const name = settings.kind === 'gemini' ? 'Gemini' : 'The model provider';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.apiKey) headers['authorization'] = `Bearer ${settings.apiKey}`;

  const provider: ChatProvider = {
    kind: settings.kind ?? 'openai',
    model: settings.model,
    async chat(request: ChatRequest): Promise<ChatResult> {
      const events = streamEvents({
        service: name,
        url: `${base}/chat/completions`,
        headers,
        body: JSON.stringify({
          model: settings.model,
          messages: toWire(request.system, request.messages),
          ...(request.tools.length > 0
            ? {
                tools: request.tools.map((t) => ({
                  type: 'function',
                  function: { name: t.name, description: t.description, parameters: t.parameters },
                })),
              }
            : {}),
          ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
          stream: true,
          stream_options: { include_usage: true },
        }),
        signal: request.signal,
        fetch: doFetch,
      });
      let text = '';
      let model = settings.model;
      const usage = { inputTokens: 0, outputTokens: 0 };
      const calls = new Map<number, ToolCall>();
      for await (const event of events) {
        if (event.data === '[DONE]') break;
        let chunk: StreamChunk;
        try {
          chunk = JSON.parse(event.data) as StreamChunk;
        } catch {
          continue;
        }
        if (chunk.error)
          throw new ProviderError(`The model provider failed: ${chunk.error.message ?? 'unknown error'}`);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) {
          usage.inputTokens = chunk.usage.prompt_tokens ?? usage.inputTokens;
          usage.outputTokens = chunk.usage.completion_tokens ?? usage.outputTokens;
        }
        const delta = chunk.choices?.[0]?.delta;
        if (delta?.content) {
          text += delta.content;
          request.onText?.(delta.content);
        }
        for (const part of delta?.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(part.index, call);
        }
      }
      const toolCalls = [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
      return { text, toolCalls, usage, model };
    },
  };
  const embeddingModel = settings.embeddingModel;
  if (embeddingModel) {
    provider.embed = async (texts, signal) => {
      const response = await doFetch(`${base}/embeddings`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: embeddingModel, input: texts, dimensions: 1536 }),
        ...(signal ? { signal } : {}),
      });
      if (!response.ok) throw await failure(response);
      const body = (await response.json()) as { data?: { index: number; embedding: number[] }[] };
      const rows = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
      if (rows.length !== texts.length)
        throw new ProviderError('The embeddings answer has the wrong number of rows');
      return rows.map((r) => r.embedding);
    };
  }
  return provider;
}
