import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../../catalog/define.ts';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext, testFetch } from '../testing/component-context.ts';
import { type FakeServer, type ReceivedRequest, startFakeServer } from '../testing/fake-server.ts';
import { createOpenAiProvider } from './common/openai-provider.ts';
import { openAiService } from './index.ts';

interface WireRequest {
  model: string;
  messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: Record<string, unknown>; strict: boolean };
  };
  tools?: unknown[];
  stream?: boolean;
}

function completion(content: string | null, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-abc123',
    object: 'chat.completion',
    created: 1795421702,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...extra },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
  };
}

const action = (key: string) =>
  openAiService.actions.find((a) => a.key === key) as ActionDefinition<never, Record<string, unknown>>;

describe('openai-compatible', () => {
  let fake: FakeServer;
  const seen: WireRequest[] = [];
  let extractAnswers: string[] = [];
  const auth = () => ({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', defaultModel: 'gpt-4o-mini' });

  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('POST /v1/chat/completions', (req: ReceivedRequest) => {
      if (req.headers['authorization'] !== 'Bearer sk-test') {
        return {
          status: 401,
          json: {
            error: {
              message: 'Incorrect API key provided: sk-wrong.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          },
        };
      }
      const body = req.json<WireRequest>();
      seen.push(body);
      if (!body.model || !Array.isArray(body.messages))
        return {
          status: 400,
          json: { error: { message: "'model' is required", type: 'invalid_request_error' } },
        };
      const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
      const last = body.messages.at(-1)!.content ?? '';
      if (body.response_format) return { json: completion(extractAnswers.shift() ?? '{}') };
      if (system.startsWith('You classify'))
        return { json: completion(last.startsWith('That is not') ? 'Billing' : 'I think it is about money') };
      if (system.startsWith('You summarize')) return { json: completion('Ada sent the invoice.') };
      return { json: completion(`echo: ${last}`) };
    });
  });
  afterAll(() => fake.close());

  it('is a valid catalog entry with the four actions', () => {
    expect(() => createCatalog([openAiService])).not.toThrow();
    expect(openAiService.actions.map((a) => a.key)).toEqual([
      'generate_text',
      'summarize',
      'classify',
      'extract_json',
    ]);
  });

  it('generates text with the connection default model and reports usage', async () => {
    const out = await action('generate_text').run(
      actionContext({ prompt: 'Hello', system: 'Be brief', maxTokens: 50, temperature: 0.2 } as never, {
        auth: auth(),
      }),
    );
    expect(out).toEqual({
      text: 'echo: Hello',
      finishReason: 'stop',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 50, outputTokens: 10, totalTokens: 60 },
    });
    expect(seen.at(-1)).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.2,
      max_tokens: 50,
    });
  });

  it('summarizes with the style in the instructions', async () => {
    const out = await action('summarize').run(
      actionContext({ text: 'Long mail', style: 'bullets', maxWords: 30, model: 'llama3.1' } as never, {
        auth: auth(),
      }),
    );
    expect(out).toMatchObject({ summary: 'Ada sent the invoice.' });
    const sent = seen.at(-1)!;
    expect(sent.model).toBe('llama3.1');
    expect(sent.messages[0]!.content).toContain('bullet points');
    expect(sent.messages[0]!.content).toContain('at most 30 words');
  });

  it('classifies, correcting an answer that names no label once, and sums the usage', async () => {
    const out = await action('classify').run(
      actionContext({ text: 'Please pay invoice 114', labels: ['billing', 'support', 'other'] } as never, {
        auth: auth(),
      }),
    );
    expect(out).toEqual({
      label: 'billing',
      matched: true,
      answer: 'Billing',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
    });
    expect(
      seen
        .at(-1)!
        .messages.slice(-2)
        .map((m) => m.role),
    ).toEqual(['assistant', 'user']);
    expect(seen.at(-1)!.temperature).toBe(0);
  });

  it('extracts JSON with response_format json_schema, validated, with one repair', async () => {
    const schema = {
      type: 'object',
      properties: { invoice: { type: 'string' }, total: { type: 'number' } },
      required: ['invoice', 'total'],
      additionalProperties: false,
    };
    extractAnswers = ['{"invoice": "114"}', '```json\n{"invoice": "114", "total": 120}\n```'];
    const out = await action('extract_json').run(
      actionContext({ text: 'Invoice 114, total 120 EUR', schema } as never, { auth: auth() }),
    );
    expect(out).toMatchObject({
      data: { invoice: '114', total: 120 },
      repaired: true,
      usage: { totalTokens: 120 },
    });
    const first = seen.at(-2)!;
    expect(first.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'extraction',
        description: 'The data extracted from the text',
        schema,
        strict: false,
      },
    });
    expect(seen.at(-1)!.messages.at(-1)!.content).toContain("must have required property 'total'");

    extractAnswers = ['not json', '{"invoice": 5}'];
    await expect(
      action('extract_json').run(actionContext({ text: 'x', schema } as never, { auth: auth() })),
    ).rejects.toThrow(/does not match the schema after one correction/);
  });

  it('falls back to JSON mode when the server refuses json_schema', async () => {
    fake.once('POST /v1/chat/completions', {
      status: 400,
      json: {
        error: {
          message:
            "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
          type: 'invalid_request_error',
          param: 'response_format',
          code: null,
        },
      },
    });
    extractAnswers = ['{"invoice": "9", "total": 1}'];
    const schema = {
      type: 'object',
      properties: { invoice: { type: 'string' }, total: { type: 'number' } },
      required: ['invoice', 'total'],
    };
    const out = await action('extract_json').run(
      actionContext({ text: 'Invoice 9, total 1', schema } as never, { auth: auth() }),
    );
    expect(out).toMatchObject({ data: { invoice: '9', total: 1 }, repaired: false });
    expect(seen.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('wraps a non-object schema for the server and unwraps the answer', async () => {
    extractAnswers = ['{"value": ["a", "b"]}'];
    const out = await action('extract_json').run(
      actionContext({ text: 'a and b', schema: { type: 'array', items: { type: 'string' } } } as never, {
        auth: auth(),
      }),
    );
    expect(out['data']).toEqual(['a', 'b']);
    expect(seen.at(-1)!.response_format!.json_schema!.schema).toMatchObject({
      type: 'object',
      required: ['value'],
    });
  });

  it('honours 429 Retry-After and passes on the provider message', async () => {
    fake.once('POST /v1/chat/completions', {
      status: 429,
      headers: { 'retry-after-ms': '200', 'retry-after': '1' },
      json: {
        error: {
          message: 'Rate limit reached for gpt-4o-mini',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      },
    });
    const out = await action('generate_text').run(
      actionContext({ prompt: 'again' } as never, { auth: auth() }),
    );
    expect(out['text']).toBe('echo: again');
    await expect(
      action('generate_text').run(
        actionContext({ prompt: 'x' } as never, { auth: { ...auth(), apiKey: 'sk-wrong' } }),
      ),
    ).rejects.toThrow('OpenAI answered 401: Incorrect API key provided: sk-wrong.');
  });

  it('streams text and usage over server-sent events; tool calls round-trip', async () => {
    fake.on('POST /v1/stream/chat/completions', (req) => {
      const body = req.json<WireRequest & { stream_options?: unknown }>();
      expect(body.stream).toBe(true);
      expect(body.stream_options).toEqual({ include_usage: true });
      const chunks = [
        {
          id: 'c',
          object: 'chat.completion.chunk',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        },
        {
          id: 'c',
          object: 'chat.completion.chunk',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }],
        },
        {
          id: 'c',
          object: 'chat.completion.chunk',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }],
        },
        {
          id: 'c',
          object: 'chat.completion.chunk',
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
        },
      ];
      return {
        headers: { 'content-type': 'text/event-stream' },
        body: `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`,
      };
    });
    const provider = createOpenAiProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      baseUrl: `${fake.url}/v1/stream`,
      apiKey: 'sk-test',
    });
    const parts: string[] = [];
    let done: unknown;
    for await (const chunk of provider.stream!({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    })) {
      if (chunk.type === 'text') parts.push(chunk.text);
      else done = chunk.result;
    }
    expect(parts).toEqual(['Hel', 'lo']);
    expect(done).toEqual({
      text: 'Hello',
      toolCalls: [],
      model: 'gpt-4o-mini',
      finishReason: 'stop',
      usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9 },
    });

    fake.once('POST /v1/chat/completions', (req) => {
      const body = req.json<WireRequest>();
      expect(body.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'list_workflows',
            description: 'Lists workflows',
            parameters: { type: 'object', properties: {} },
          },
        },
      ]);
      expect(body.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'list_workflows', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '[]' },
      ]);
      return {
        json: completion(null, {
          tool_calls: [
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'list_workflows', arguments: '{"limit":5}' },
            },
          ],
        }),
      };
    });
    const direct = createOpenAiProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      baseUrl: `${fake.url}/v1`,
      apiKey: 'sk-test',
    });
    const result = await direct.chat({
      model: 'gpt-4o-mini',
      tools: [
        {
          name: 'list_workflows',
          description: 'Lists workflows',
          parameters: { type: 'object', properties: {} },
        },
      ],
      messages: [
        { role: 'user', content: 'what runs?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'list_workflows', arguments: {} }],
        },
        { role: 'tool', toolCallId: 'call_1', name: 'list_workflows', content: '[]' },
      ],
    });
    expect(result.toolCalls).toEqual([{ id: 'call_2', name: 'list_workflows', arguments: { limit: 5 } }]);
  });
});
