import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../../catalog/define.ts';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext, testFetch } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createGeminiProvider } from './common/gemini-provider.ts';
import { toGeminiSchema } from './common/gemini-schema.ts';
import { geminiService } from './index.ts';

interface WireRequest {
  contents: { role: string; parts: Record<string, unknown>[] }[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: {
    temperature?: number;
    maxOutputTokens?: number;
    responseMimeType?: string;
    responseSchema?: Record<string, unknown>;
  };
  tools?: unknown[];
}

function answer(text: string, finishReason = 'STOP') {
  return {
    candidates: [
      { content: { role: 'model', parts: [{ text }] }, finishReason, index: 0, safetyRatings: [] },
    ],
    usageMetadata: {
      promptTokenCount: 30,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 4,
      totalTokenCount: 40,
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'abc',
  };
}

const action = (key: string) =>
  geminiService.actions.find((a) => a.key === key) as ActionDefinition<never, Record<string, unknown>>;

describe('gemini', () => {
  let fake: FakeServer;
  const seen: { model: string; body: WireRequest }[] = [];
  let jsonAnswers: string[] = [];
  const auth = () => ({ apiKey: 'AIza-test', baseUrl: fake.url });

  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('POST /v1beta/models/:call', (req) => {
      if (req.headers['x-goog-api-key'] !== 'AIza-test') {
        return {
          status: 400,
          json: {
            error: {
              code: 400,
              message: 'API key not valid. Please pass a valid API key.',
              status: 'INVALID_ARGUMENT',
            },
          },
        };
      }
      if (req.query.has('key'))
        return {
          status: 400,
          json: {
            error: {
              code: 400,
              message: 'key must not be in the URL in this test',
              status: 'INVALID_ARGUMENT',
            },
          },
        };
      const [model, method] = req.params['call']!.split(':') as [string, string];
      if (method !== 'generateContent')
        return {
          status: 404,
          json: { error: { code: 404, message: `method ${method} not found`, status: 'NOT_FOUND' } },
        };
      const body = req.json<WireRequest>();
      seen.push({ model, body });
      const system = body.systemInstruction?.parts[0]?.text ?? '';
      if (body.generationConfig?.responseSchema) return { json: answer(jsonAnswers.shift() ?? '{}') };
      if (system.startsWith('You classify')) return { json: answer('urgent') };
      if (system.startsWith('You summarize')) return { json: answer('Gist.') };
      const text = String(body.contents.at(-1)!.parts.at(-1)!['text'] ?? '');
      if (text === 'blocked')
        return {
          json: {
            promptFeedback: { blockReason: 'SAFETY' },
            usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
          },
        };
      return { json: answer(`echo: ${text}`) };
    });
  });
  afterAll(() => fake.close());

  it('is a valid catalog entry with the four actions', () => {
    expect(() => createCatalog([geminiService])).not.toThrow();
    expect(geminiService.actions.map((a) => a.key)).toEqual([
      'generate_text',
      'summarize',
      'classify',
      'extract_json',
    ]);
  });

  it('generates text with the key in a header; thinking tokens count as output', async () => {
    const out = await action('generate_text').run(
      actionContext({ prompt: 'Hi', system: 'Short answers', maxTokens: 100, temperature: 0.5 } as never, {
        auth: auth(),
      }),
    );
    expect(out).toEqual({
      text: 'echo: Hi',
      finishReason: 'STOP',
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 30, outputTokens: 10, totalTokens: 40 },
    });
    expect(seen.at(-1)).toEqual({
      model: 'gemini-2.5-flash',
      body: {
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        systemInstruction: { parts: [{ text: 'Short answers' }] },
        generationConfig: { temperature: 0.5, maxOutputTokens: 100 },
      },
    });
  });

  it('summarizes, classifies, and explains a blocked prompt', async () => {
    expect(
      await action('summarize').run(
        actionContext({ text: 'Long', style: 'headline', model: 'models/gemini-2.5-pro' } as never, {
          auth: auth(),
        }),
      ),
    ).toMatchObject({ summary: 'Gist.' });
    expect(seen.at(-1)!.model).toBe('gemini-2.5-pro');
    expect(
      await action('classify').run(
        actionContext({ text: 'Server down!', labels: ['urgent', 'later'] } as never, { auth: auth() }),
      ),
    ).toMatchObject({ label: 'urgent' });
    await expect(
      action('generate_text').run(actionContext({ prompt: 'blocked' } as never, { auth: auth() })),
    ).rejects.toThrow('Gemini gave no answer: the prompt was blocked (SAFETY)');
  });

  it('extracts JSON with responseSchema (narrowed to what Gemini accepts), checked by Ajv', async () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        email: { type: ['string', 'null'], format: 'email' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['name', 'email'],
    };
    jsonAnswers = [
      '{"name": "Ada", "email": "not-an-email"}',
      '{"name": "Ada", "email": "ada@example.com", "tags": []}',
    ];
    const out = await action('extract_json').run(
      actionContext({ text: 'Ada, ada@example.com', schema } as never, { auth: auth() }),
    );
    expect(out).toMatchObject({ data: { name: 'Ada', email: 'ada@example.com', tags: [] }, repaired: true });
    expect(seen.at(-2)!.body.generationConfig).toEqual({
      temperature: 0,
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: {
          name: { type: 'STRING' },
          email: { type: 'STRING', nullable: true, format: 'email' },
          tags: { type: 'ARRAY', items: { type: 'STRING' } },
        },
        required: ['name', 'email'],
      },
    });
  });

  it('honours 429 Retry-After and passes on error messages', async () => {
    fake.once('POST /v1beta/models/:call', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: {
        error: {
          code: 429,
          message: 'Resource has been exhausted (e.g. check quota).',
          status: 'RESOURCE_EXHAUSTED',
        },
      },
    });
    expect(
      (await action('generate_text').run(actionContext({ prompt: 'y' } as never, { auth: auth() })))['text'],
    ).toBe('echo: y');
    await expect(
      action('generate_text').run(
        actionContext({ prompt: 'y' } as never, { auth: { ...auth(), apiKey: 'nope' } }),
      ),
    ).rejects.toThrow('Gemini answered 400: API key not valid. Please pass a valid API key.');
  });

  it('streams with alt=sse and maps tool turns to functionCall / functionResponse', async () => {
    fake.on('POST /stream/v1beta/models/:call', (req) => {
      expect(req.params['call']).toBe('gemini-2.5-flash:streamGenerateContent');
      expect(req.query.get('alt')).toBe('sse');
      const chunks = [
        {
          candidates: [{ content: { role: 'model', parts: [{ text: 'Bon' }] } }],
          modelVersion: 'gemini-2.5-flash',
        },
        {
          candidates: [{ content: { role: 'model', parts: [{ text: 'jour' }] }, finishReason: 'STOP' }],
          usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
          modelVersion: 'gemini-2.5-flash',
        },
      ];
      return {
        headers: { 'content-type': 'text/event-stream' },
        body: chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''),
      };
    });
    const provider = createGeminiProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      apiKey: 'AIza-test',
      baseUrl: `${fake.url}/stream`,
    });
    const chunks = [];
    for await (const chunk of provider.stream!({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'salut' }],
    }))
      chunks.push(chunk);
    expect(chunks.at(-1)).toEqual({
      type: 'done',
      result: {
        text: 'Bonjour',
        toolCalls: [],
        model: 'gemini-2.5-flash',
        finishReason: 'STOP',
        usage: { inputTokens: 4, outputTokens: 2, totalTokens: 6 },
      },
    });

    const direct = createGeminiProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      apiKey: 'AIza-test',
      baseUrl: fake.url,
    });
    await direct.chat({
      model: 'gemini-2.5-flash',
      tools: [
        {
          name: 'list_workflows',
          description: 'Lists workflows',
          parameters: {
            type: 'object',
            properties: { limit: { type: 'integer' } },
            additionalProperties: false,
          },
        },
      ],
      messages: [
        { role: 'user', content: 'what runs?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'list_workflows', name: 'list_workflows', arguments: { limit: 5 } }],
        },
        { role: 'tool', toolCallId: 'list_workflows', name: 'list_workflows', content: '[]' },
      ],
    });
    expect(seen.at(-1)!.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'what runs?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'list_workflows', args: { limit: 5 } } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'list_workflows', response: { content: '[]' } } }],
      },
    ]);
    expect(seen.at(-1)!.body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'list_workflows',
            description: 'Lists workflows',
            parameters: { type: 'OBJECT', properties: { limit: { type: 'INTEGER' } } },
          },
        ],
      },
    ]);
  });

  it('narrows const and nullable enums', () => {
    expect(toGeminiSchema({ const: 'a' })).toEqual({ enum: ['a'] });
    expect(toGeminiSchema({ type: ['string', 'null'], enum: ['x', null] })).toEqual({
      type: 'STRING',
      nullable: true,
      enum: ['x'],
    });
  });
});
