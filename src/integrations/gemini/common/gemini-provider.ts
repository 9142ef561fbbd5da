import type { LimitedFetch } from '../../../catalog/context.ts';
import {
  type ChatChunk,
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResult,
  type TokenUsage,
  usageOf,
} from '../../ai-common/chat-provider.ts';
import { parseJsonAnswer } from '../../ai-common/json-answer.ts';
import { streamEvents } from '../../ai-common/sse-stream.ts';
import { createApiClient } from '../../api-client/api-client.ts';
import { toGeminiSchema } from './gemini-schema.ts';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GeminiProviderOptions {
  http: LimitedFetch;
  signal: AbortSignal;
  apiKey: string;
  baseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
}

type Part =
  | { text: string; thought?: boolean }
  | { functionCall: { name: string; args?: unknown } }
  | { functionResponse: { name: string; response: unknown } };

interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

interface GenerateResponse {
  candidates?: { content?: { parts?: Part[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    totalTokenCount?: number;
  };
  modelVersion?: string;
}

function toContents(messages: readonly ChatMessage[]): { system: string | undefined; contents: Content[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  const push = (role: Content['role'], parts: Part[]) => {
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of messages) {
    if (m.role === 'system') system.push(m.content);
    else if (m.role === 'user') push('user', [{ text: m.content }]);
    else if (m.role === 'tool')
      push('user', [{ functionResponse: { name: m.name, response: { content: m.content } } }]);
    else {
      const parts: Part[] = m.content ? [{ text: m.content }] : [];
      for (const call of m.toolCalls ?? [])
        parts.push({ functionCall: { name: call.name, args: call.arguments ?? {} } });
      push('model', parts);
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, contents };
}

function usageFrom(meta: GenerateResponse['usageMetadata']): TokenUsage {
  // Thinking tokens are billed as output.
  return usageOf(
    meta?.promptTokenCount,
    (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
    meta?.totalTokenCount,
  );
}

const modelPath = (model: string) => `/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}`;

/** A client of the Gemini API's generateContent; JSON answers through responseSchema. */
export function createGeminiProvider(options: GeminiProviderOptions): ChatProvider {
  const baseUrl = (options.baseUrl || GEMINI_BASE_URL).replace(/\/+$/, '');
  // The key goes in a header, not the URL, so it never lands in access logs.
  const headers = () => ({ 'x-goog-api-key': options.apiKey });

  function body(request: ChatRequest): Record<string, unknown> {
    const { system, contents } = toContents(request.messages);
    const json = request.jsonSchema;
    const generationConfig = {
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
      ...(json ? { responseMimeType: 'application/json', responseSchema: toGeminiSchema(json.schema) } : {}),
    };
    return {
      contents,
      ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
      ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
      ...(request.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: request.tools.map((t) => ({
                  name: t.name,
                  description: t.description,
                  parameters: toGeminiSchema(t.parameters),
                })),
              },
            ],
          }
        : {}),
    };
  }

  function resultOf(request: ChatRequest, answer: GenerateResponse): ChatResult {
    const candidate = answer.candidates?.[0];
    if (!candidate) {
      const reason = answer.promptFeedback?.blockReason;
      throw new Error(`Gemini gave no answer${reason ? `: the prompt was blocked (${reason})` : ''}`);
    }
    const parts = candidate.content?.parts ?? [];
    const text = parts.flatMap((p) => ('text' in p && !p.thought ? [p.text] : [])).join('');
    const result: ChatResult = {
      text,
      toolCalls: parts.flatMap((p) =>
        'functionCall' in p
          ? [{ id: p.functionCall.name, name: p.functionCall.name, arguments: p.functionCall.args ?? {} }]
          : [],
      ),
      model: answer.modelVersion ?? request.model,
      finishReason: candidate.finishReason ?? null,
      usage: usageFrom(answer.usageMetadata),
    };
    if (request.jsonSchema) {
      const parsed = parseJsonAnswer(text);
      if (parsed.ok) result.json = parsed.value;
    }
    return result;
  }

  return {
    name: 'Gemini',
    async chat(request) {
      const api = createApiClient({
        service: 'Gemini',
        http: options.http,
        signal: request.signal ?? options.signal,
        baseUrl,
        headers,
      });
      const answer = await api.json<GenerateResponse>({
        method: 'POST',
        path: `${modelPath(request.model)}:generateContent`,
        json: body(request),
      });
      return resultOf(request, answer);
    },
    async *stream(request): AsyncGenerator<ChatChunk> {
      let text = '';
      let model = request.model;
      let finishReason: string | null = null;
      let usage = usageOf(0, 0);
      for await (const event of streamEvents({
        service: 'Gemini',
        url: `${baseUrl}${modelPath(request.model)}:streamGenerateContent?alt=sse`,
        headers: headers(),
        body: JSON.stringify(body({ ...request, jsonSchema: undefined })),
        signal: request.signal ?? options.signal,
        fetch: options.fetch,
      })) {
        const chunk = JSON.parse(event.data) as GenerateResponse;
        if (chunk.modelVersion) model = chunk.modelVersion;
        if (chunk.usageMetadata) usage = usageFrom(chunk.usageMetadata);
        const candidate = chunk.candidates?.[0];
        if (candidate?.finishReason) finishReason = candidate.finishReason;
        for (const part of candidate?.content?.parts ?? []) {
          if ('text' in part && !part.thought && part.text) {
            text += part.text;
            yield { type: 'text', text: part.text };
          }
        }
      }
      yield { type: 'done', result: { text, toolCalls: [], model, finishReason, usage } };
    },
  };
}
