import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';
import type { ChatProvider } from './chat-provider.ts';
import { makeProvider } from './make-provider.ts';
import { embedMessages, hasVectorColumn, searchAssistant } from './message-search.ts';

/**
 * A local embeddings endpoint in OpenAI's shape. Its vectors put words of one topic on one axis, so
 * texts about the same thing are close although they share no word: what full-text search cannot do.
 */
const TOPICS: string[][] = [
  ['star', 'starred', 'stars', 'github', 'repository', 'repo'],
  ['invoice', 'bill', 'payment', 'paid', 'billing', 'receipt'],
  ['weather', 'rain', 'forecast', 'sunny'],
];

function embed(text: string): number[] {
  const vector = new Array<number>(1536).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const topic = TOPICS.findIndex((words) => words.includes(word));
    if (topic >= 0) vector[topic]! += 1;
  }
  vector[1535] = 0.01;
  return vector;
}

let server: Server;
let provider: ChatProvider;
const requests: { authorization: string | undefined; model: unknown; input: unknown }[] = [];
let database: TestDatabase;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; input: string[] };
      requests.push({ authorization: req.headers.authorization, model: body.model, input: body.input });
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data: body.input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
          usage: { prompt_tokens: 3, total_tokens: 3 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  provider = makeProvider({
    kind: 'openai',
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey: 'sk-embed',
    model: 'chat-model',
    embeddingModel: 'embed-model',
  });
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function seedMessages(email: string, texts: string[]) {
  const { db } = database;
  const user = await db.insertInto('users').values({ email }).returning('id').executeTakeFirstOrThrow();
  const session = await db
    .insertInto('chat_sessions')
    .values({ user_id: user.id, session_name: `${email} chat`, context: {} })
    .returning('id')
    .executeTakeFirstOrThrow();
  const messages = await db
    .insertInto('chat_messages')
    .values(
      texts.map((content) => ({ session_id: session.id, role: 'user' as const, content, metadata: {} })),
    )
    .returning(['id', 'content'])
    .execute();
  await embedMessages(db, provider, messages);
  return { userId: user.id, messages };
}

describe(`assistant search (${TEST_DB_KIND})`, () => {
  it('finds past messages by meaning where pgvector exists, by words otherwise, and only the caller’s', async () => {
    const mine = await seedMessages('searcher@example.com', [
      'Tell me when someone stars my GitHub repository',
      'Email me a summary of each new invoice',
      'Post the forecast every morning',
    ]);
    await seedMessages('other@example.com', ['Send every bill to accounting']);
    const vectors = await hasVectorColumn(database.db);
    // The embedded database always has pgvector; a PostgreSQL server has it when the extension is installed.
    if (TEST_DB_KIND === 'pglite') expect(vectors).toBe(true);

    const byMeaning = await searchAssistant(database.db, mine.userId, 'payment received', 3, provider);
    if (vectors) {
      expect(byMeaning.mode).toBe('semantic');
      const messages = byMeaning.hits.filter((h) => h.kind === 'message');
      expect(messages[0]?.snippet).toBe('Email me a summary of each new invoice');
      expect(messages.map((h) => h.snippet)).not.toContain('Send every bill to accounting');
      const stored = await database.db
        .selectFrom('chat_messages')
        .select('embedding')
        .where('id', '=', mine.messages[1]!.id)
        .executeTakeFirstOrThrow();
      expect(stored.embedding).not.toBeNull();
      expect(requests.at(-1)).toMatchObject({ authorization: 'Bearer sk-embed', model: 'embed-model' });
    } else {
      expect(byMeaning.mode).toBe('fulltext');
      expect(byMeaning.hits.filter((h) => h.kind === 'message')).toEqual([]);
    }

    const byWords = await searchAssistant(database.db, mine.userId, 'invoice', 3, undefined);
    expect(byWords.mode).toBe('fulltext');
    expect(byWords.hits.filter((h) => h.kind === 'message').map((h) => h.snippet)).toEqual([
      'Email me a summary of each new invoice',
    ]);
  });
});
