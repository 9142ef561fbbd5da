import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a model provider in tests: it speaks OpenAI's chat completions or Anthropic's
 * messages API (streamed, with tool calls), replays scripted answers in order and keeps every
 * request it received so a test can check what was sent.
 */

export interface ScriptedAnswer {
  /** Text, sent as one streamed piece per entry. */
  text?: string[];
  toolCalls?: { name: string; arguments: unknown }[];
  usage?: { input: number; output: number };
  /** The stream stays open (after the text) until this settles. */
  holdUntil?: Promise<unknown>;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}

export interface FakeModelServer {
  url: string;
  requests: ReceivedRequest[];
  /** Queues answers for the next requests. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

type Dialect = 'openai' | 'anthropic';

function write(res: ServerResponse, event: string | undefined, data: unknown): void {
  res.write(
    `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  );
}

async function streamOpenAi(res: ServerResponse, answer: ScriptedAnswer, model: string): Promise<void> {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model };
  write(res, undefined, {
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  });
  for (const piece of answer.text ?? []) {
    write(res, undefined, {
      ...base,
      choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
    });
  }
  if (answer.holdUntil) await answer.holdUntil;
  for (const [index, call] of (answer.toolCalls ?? []).entries()) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const half = Math.floor(args.length / 2);
    write(res, undefined, {
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index,
                id: `call_${index + 1}`,
                type: 'function',
                function: { name: call.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    for (const part of [args.slice(0, half), args.slice(half)]) {
      write(res, undefined, {
        ...base,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index, function: { arguments: part } }] },
            finish_reason: null,
          },
        ],
      });
    }
  }
  write(res, undefined, {
    ...base,
    choices: [{ index: 0, delta: {}, finish_reason: answer.toolCalls?.length ? 'tool_calls' : 'stop' }],
  });
  const usage = answer.usage ?? { input: 100, output: 20 };
  write(res, undefined, {
    ...base,
    choices: [],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
    },
  });
  write(res, undefined, '[DONE]');
}

async function streamAnthropic(res: ServerResponse, answer: ScriptedAnswer, model: string): Promise<void> {
  const usage = answer.usage ?? { input: 100, output: 20 };
  write(res, 'message_start', {
    type: 'message_start',
    message: {
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      usage: { input_tokens: usage.input, output_tokens: 1 },
    },
  });
  let index = 0;
  if (answer.text?.length) {
    write(res, 'content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'text', text: '' },
    });
    for (const piece of answer.text)
      write(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: piece },
      });
    write(res, 'content_block_stop', { type: 'content_block_stop', index });
    index += 1;
  }
  if (answer.holdUntil) await answer.holdUntil;
  for (const call of answer.toolCalls ?? []) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const half = Math.floor(args.length / 2);
    write(res, 'content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: `toolu_${index}`, name: call.name, input: {} },
    });
    for (const part of [args.slice(0, half), args.slice(half)]) {
      write(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: part },
      });
    }
    write(res, 'content_block_stop', { type: 'content_block_stop', index });
    index += 1;
  }
  write(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: answer.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: usage.output },
  });
  write(res, 'message_stop', { type: 'message_stop' });
}

export async function startFakeModelServer(dialect: Dialect): Promise<FakeModelServer> {
  const queue: ScriptedAnswer[] = [];
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {}
    const path = req.url ?? '';
    requests.push({ path, headers: req.headers, body, raw });
    const expected = dialect === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    const problems: string[] = [];
    if (path !== expected) problems.push(`path ${path}`);
    if (body['stream'] !== true) problems.push('stream must be true');
    if (typeof body['model'] !== 'string') problems.push('model missing');
    if (!Array.isArray(body['messages'])) problems.push('messages missing');
    if (dialect === 'anthropic') {
      if (req.headers['anthropic-version'] !== '2023-06-01') problems.push('anthropic-version header');
      if (typeof body['max_tokens'] !== 'number') problems.push('max_tokens missing');
    }
    const answer = queue.shift();
    if (problems.length > 0 || !answer) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: problems.join(', ') || 'no scripted answer left' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const model = String(body['model']);
    if (dialect === 'openai') await streamOpenAi(res, answer, model);
    else await streamAnthropic(res, answer, model);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${dialect === 'openai' ? '/v1' : ''}`,
    requests,
    script: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
