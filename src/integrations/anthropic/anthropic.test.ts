import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../../catalog/define.ts';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext, testFetch } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createAnthropicProvider } from './common/anthropic-provider.ts';
import { anthropicService } from './index.ts';

interface WireRequest {
  model: string;
  max_tokens: number;
  system?: string;
  messages: { role: string; content: { type: string; text?: string }[] }[];
  temperature?: number;
  tools?: { name: string; description: string; input_schema: Record<string, unknown> }[];
  tool_choice?: { type: string; name: string };
  stream?: boolean;
}

function message(content: unknown[], stop = 'end_turn') {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5-20251001',
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 2 },
  };
}

const action = (key: string) =>
  anthropicService.actions.find((a) => a.key === key) as ActionDefinition<never, Record<string, unknown>>;

describe('anthropic', () => {
  let fake: FakeServer;
  const seen: WireRequest[] = [];
  let toolInputs: unknown[] = [];
  const auth = () => ({ apiKey: 'sk-ant-test', baseUrl: fake.url });

  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('POST /v1/messages', (req) => {
      if (req.headers['x-api-key'] !== 'sk-ant-test') {
        return {
          status: 401,
          json: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        };
      }
      if (req.headers['anthropic-version'] !== '2023-06-01')
        return {
          status: 400,
          json: {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'anthropic-version header is required' },
          },
        };
      const body = req.json<WireRequest>();
      seen.push(body);
      if (!body.max_tokens)
        return {
          status: 400,
          json: {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
          },
        };
      if (body.messages.some((m) => m.role === 'system'))
        return {
          status: 400,
          json: {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'Unexpected role "system"' },
          },
        };
      if (body.tool_choice) {
        return {
          json: message(
            [
              {
                type: 'tool_use',
                id: 'toolu_01',
                name: body.tool_choice.name,
                input: toolInputs.shift() ?? {},
              },
            ],
            'tool_use',
          ),
        };
      }
      const last = body.messages.at(-1)!.content.at(-1)!.text ?? '';
      if (body.system?.startsWith('You classify'))
        return { json: message([{ type: 'text', text: 'Label: support.' }]) };
      if (body.system?.startsWith('You summarize'))
        return { json: message([{ type: 'text', text: ' Short summary. ' }]) };
      return { json: message([{ type: 'text', text: `echo: ${last}` }]) };
    });
  });
  afterAll(() => fake.close());

  it('is a valid catalog entry with the four actions', () => {
    expect(() => createCatalog([anthropicService])).not.toThrow();
    expect(anthropicService.actions.map((a) => a.key)).toEqual([
      'generate_text',
      'summarize',
      'classify',
      'extract_json',
    ]);
  });

  it('generates text: system apart, max_tokens always sent, usage counted with cache reads', async () => {
    const out = await action('generate_text').run(
      actionContext({ prompt: 'Hi', system: 'Be kind' } as never, { auth: auth() }),
    );
    expect(out).toEqual({
      text: 'echo: Hi',
      finishReason: 'end_turn',
      model: 'claude-haiku-4-5-20251001',
      usage: { inputTokens: 42, outputTokens: 8, totalTokens: 50 },
    });
    expect(seen.at(-1)).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: 'Be kind',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('summarizes and classifies', async () => {
    expect(
      await action('summarize').run(
        actionContext({ text: 'Long text', style: 'tldr' } as never, { auth: auth() }),
      ),
    ).toMatchObject({ summary: 'Short summary.' });
    expect(
      await action('classify').run(
        actionContext({ text: 'App crashes', labels: ['billing', 'support'] } as never, { auth: auth() }),
      ),
    ).toMatchObject({ label: 'support', matched: true });
  });

  it('extracts JSON through a forced tool, with one repair', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
      required: ['city', 'days'],
    };
    toolInputs = [
      { city: 'Paris', days: 0 },
      { city: 'Paris', days: 3 },
    ];
    const out = await action('extract_json').run(
      actionContext({ text: 'Three days in Paris', schema, model: 'claude-sonnet-4-5' } as never, {
        auth: auth(),
      }),
    );
    expect(out).toMatchObject({
      data: { city: 'Paris', days: 3 },
      repaired: true,
      usage: { inputTokens: 84, outputTokens: 16, totalTokens: 100 },
    });
    const first = seen.at(-2)!;
    expect(first.tools).toEqual([
      { name: 'extraction', description: 'The data extracted from the text', input_schema: schema },
    ]);
    expect(first.tool_choice).toEqual({ type: 'tool', name: 'extraction' });
    expect(first.model).toBe('claude-sonnet-4-5');
    // The corrective turn repeats the earlier answer as the assistant's and names the schema problem.
    const repair = seen.at(-1)!.messages;
    expect(repair.at(-2)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: '{"city":"Paris","days":0}' }],
    });
    expect(repair.at(-1)!.content[0]!.text).toContain('must be >= 1');
  });

  it('waits out 429 and 529 (overloaded), then reports errors readably', async () => {
    fake.once('POST /v1/messages', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
        },
      },
    });
    fake.once('POST /v1/messages', {
      status: 529,
      headers: { 'retry-after': '0' },
      json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(
      (await action('generate_text').run(actionContext({ prompt: 'x' } as never, { auth: auth() })))['text'],
    ).toBe('echo: x');
    await expect(
      action('generate_text').run(
        actionContext({ prompt: 'x' } as never, { auth: { ...auth(), apiKey: 'bad' } }),
      ),
    ).rejects.toThrow('Anthropic answered 401: invalid x-api-key');
  });

  it('streams text and usage, and maps tool turns', async () => {
    fake.on('POST /stream/v1/messages', (req) => {
      expect(req.json<WireRequest>().stream).toBe(true);
      const events = [
        [
          'message_start',
          {
            type: 'message_start',
            message: {
              id: 'msg_1',
              model: 'claude-haiku-4-5-20251001',
              usage: { input_tokens: 12, output_tokens: 1 },
            },
          },
        ],
        [
          'content_block_start',
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ],
        ['ping', { type: 'ping' }],
        [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi ' } },
        ],
        [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } },
        ],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        [
          'message_delta',
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: 5 },
          },
        ],
        ['message_stop', { type: 'message_stop' }],
      ] as const;
      return {
        headers: { 'content-type': 'text/event-stream' },
        body: events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join(''),
      };
    });
    const provider = createAnthropicProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      apiKey: 'k',
      baseUrl: `${fake.url}/stream`,
    });
    const chunks = [];
    for await (const chunk of provider.stream!({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    }))
      chunks.push(chunk);
    expect(chunks).toEqual([
      { type: 'text', text: 'Hi ' },
      { type: 'text', text: 'there' },
      {
        type: 'done',
        result: {
          text: 'Hi there',
          toolCalls: [],
          model: 'claude-haiku-4-5-20251001',
          finishReason: 'end_turn',
          usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
        },
      },
    ]);

    const direct = createAnthropicProvider({
      http: testFetch(),
      signal: new AbortController().signal,
      apiKey: 'sk-ant-test',
      baseUrl: fake.url,
    });
    await direct.chat({
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'user', content: 'what runs?' },
        {
          role: 'assistant',
          content: 'Let me look.',
          toolCalls: [{ id: 'toolu_9', name: 'list_workflows', arguments: {} }],
        },
        { role: 'tool', toolCallId: 'toolu_9', name: 'list_workflows', content: '[]' },
      ],
    });
    expect(seen.at(-1)!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'what runs?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_9', name: 'list_workflows', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: '[]' }] },
    ]);
  });
});
