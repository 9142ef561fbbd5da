import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext } from '../testing/component-context.ts';
import { type FakeServer, type ReceivedRequest, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness, type PollHarness } from '../testing/poll-harness.ts';
import { appendBlocksAction } from './actions/append-blocks.ts';
import { createPageAction } from './actions/create-page.ts';
import { notionService } from './index.ts';
import { newItemTrigger } from './triggers/new-item.ts';

const DB_ID = '0123456789abcdef0123456789abcdef';
const DB_UUID = '01234567-89ab-cdef-0123-456789abcdef';
const PAGE_ID = '59833787-2cf9-4fdf-8782-e53db20768a5';

const unauthorized = {
  status: 401,
  json: { object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.' },
};
const checked = (req: ReceivedRequest) =>
  req.headers['authorization'] === 'Bearer ntn_secret' && req.headers['notion-version'] === '2022-06-28';

function page(n: number, created: string) {
  return {
    object: 'page',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    url: `https://www.notion.so/Item-${n}`,
    created_time: created,
    last_edited_time: created,
    archived: false,
    parent: { type: 'database_id', database_id: DB_UUID },
    properties: {
      Name: {
        id: 'title',
        type: 'title',
        title: [{ type: 'text', text: { content: `Item ${n}` }, plain_text: `Item ${n}` }],
      },
      Status: { id: 'a', type: 'select', select: { id: 's1', name: 'Open', color: 'green' } },
      Amount: { id: 'b', type: 'number', number: n * 10 },
      Tags: { id: 'c', type: 'multi_select', multi_select: [{ name: 'x' }, { name: 'y' }] },
    },
  };
}

describe('notion', () => {
  let fake: FakeServer;
  const auth = { token: 'ntn_secret' };
  const connection = () => ({ config: { baseUrl: fake.url } });
  beforeAll(async () => {
    fake = await startFakeServer();
  });
  afterAll(() => fake.close());

  it('is a valid catalog entry', () => {
    expect(() => createCatalog([notionService])).not.toThrow();
  });

  describe('new item trigger', () => {
    let harness: PollHarness;
    // Newest first, as the query sorted by created_time descending answers.
    const pages = [page(2, '2026-11-23T08:01:00.000Z'), page(1, '2026-11-23T08:00:00.000Z')];
    const bodies: Record<string, unknown>[] = [];
    beforeAll(async () => {
      harness = await createPollHarness(newItemTrigger);
      fake.on('POST /v1/databases/:id/query', (req) => {
        if (!checked(req)) return unauthorized;
        if (req.params['id'] !== DB_UUID)
          return {
            status: 404,
            json: {
              object: 'error',
              status: 404,
              code: 'object_not_found',
              message: 'Could not find database.',
            },
          };
        const body = req.json<{
          page_size: number;
          start_cursor?: string;
          sorts: unknown;
          filter?: { created_time: { on_or_after: string } };
        }>();
        bodies.push(body);
        expect(body.sorts).toEqual([{ timestamp: 'created_time', direction: 'descending' }]);
        const since = body.filter ? Date.parse(body.filter.created_time.on_or_after) : 0;
        const matching = pages.filter((p) => Date.parse(p.created_time) >= since);
        // Pages of two, to make the trigger follow next_cursor.
        const start = body.start_cursor ? Number(body.start_cursor) : 0;
        const slice = matching.slice(start, start + 2);
        const more = start + 2 < matching.length;
        return {
          json: {
            object: 'list',
            results: slice,
            next_cursor: more ? String(start + 2) : null,
            has_more: more,
            type: 'page_or_database',
            page_or_database: {},
          },
        };
      });
    });
    afterAll(() => harness.close());

    it('fires once per new page, follows pagination, survives restarts', async () => {
      const props = { databaseId: `https://www.notion.so/acme/Tasks-${DB_ID}?v=abc` };
      expect(await harness.poll(props, { auth, connection: connection() })).toEqual({ polled: 2, fired: 0 });
      // Three new pages, one in the same (rounded) minute as the newest one seen.
      pages.unshift(
        page(5, '2026-11-23T08:03:00.000Z'),
        page(4, '2026-11-23T08:02:00.000Z'),
        page(3, '2026-11-23T08:01:00.000Z'),
      );
      expect((await harness.poll(props, { auth, connection: connection() })).fired).toBe(3);
      expect(bodies.at(-1)).toMatchObject({ start_cursor: '2' });
      expect(bodies.at(-2)!['filter']).toEqual({
        timestamp: 'created_time',
        created_time: { on_or_after: '2026-11-23T08:01:00.000Z' },
      });
      expect((await harness.poll(props, { auth, connection: connection() })).fired).toBe(0);
      expect(harness.fired.map((f) => (f.item as { properties: { Name: string } }).properties.Name)).toEqual([
        'Item 3',
        'Item 4',
        'Item 5',
      ]);
      expect(harness.fired[0]!.item).toEqual({
        id: '00000000-0000-4000-8000-000000000003',
        url: 'https://www.notion.so/Item-3',
        createdTime: '2026-11-23T08:01:00.000Z',
        lastEditedTime: '2026-11-23T08:01:00.000Z',
        properties: { Name: 'Item 3', Status: 'Open', Amount: 30, Tags: ['x', 'y'] },
      });
    });
  });

  describe('actions', () => {
    beforeAll(() => {
      fake.on('GET /v1/databases/:id', (req) => {
        if (!checked(req)) return unauthorized;
        return {
          json: {
            object: 'database',
            id: DB_UUID,
            title: [{ plain_text: 'Tasks' }],
            properties: {
              Task: { id: 'title', name: 'Task', type: 'title', title: {} },
              Status: { id: 'a', name: 'Status', type: 'select', select: { options: [] } },
              Amount: { id: 'b', name: 'Amount', type: 'number', number: { format: 'number' } },
              Tags: { id: 'c', name: 'Tags', type: 'multi_select', multi_select: { options: [] } },
              Done: { id: 'd', name: 'Done', type: 'checkbox', checkbox: {} },
            },
          },
        };
      });
      fake.on('POST /v1/pages', (req) => {
        if (!checked(req)) return unauthorized;
        const body = req.json<{
          parent: { database_id: string };
          properties: Record<string, unknown>;
          children?: unknown[];
        }>();
        if (!body.parent?.database_id)
          return {
            status: 400,
            json: {
              object: 'error',
              status: 400,
              code: 'validation_error',
              message: 'body failed validation: body.parent should be defined',
            },
          };
        return {
          json: {
            object: 'page',
            id: PAGE_ID,
            url: 'https://www.notion.so/Pay-invoice-598337872cf94fdf8782e53db20768a5',
            created_time: '2026-11-23T08:15:00.000Z',
            last_edited_time: '2026-11-23T08:15:00.000Z',
            parent: body.parent,
            properties: {
              Task: { id: 'title', type: 'title', title: [{ plain_text: 'Pay invoice' }] },
              Amount: { id: 'b', type: 'number', number: 120 },
            },
          },
        };
      });
      fake.on('PATCH /v1/blocks/:id/children', (req) => {
        if (!checked(req)) return unauthorized;
        const { children } = req.json<{ children: unknown[] }>();
        if (children.length > 100)
          return {
            status: 400,
            json: {
              object: 'error',
              status: 400,
              code: 'validation_error',
              message: 'body.children.length should be ≤ `100`',
            },
          };
        return {
          json: {
            object: 'list',
            results: children.map((_, i) => ({ object: 'block', id: `b-${i}`, type: 'paragraph' })),
            next_cursor: null,
            has_more: false,
          },
        };
      });
    });

    it('creates a database item from plain values shaped by the database schema', async () => {
      const out = await createPageAction.run(
        actionContext(
          {
            databaseId: DB_ID,
            title: 'Pay invoice',
            values: { Status: 'To review', Amount: '120', Tags: 'billing, urgent', Done: 'false' },
            content: '# Summary\nPlease pay.\n\n- item one',
          },
          { auth, connection: connection() },
        ),
      );
      expect(out).toEqual({
        id: PAGE_ID,
        url: 'https://www.notion.so/Pay-invoice-598337872cf94fdf8782e53db20768a5',
        createdTime: '2026-11-23T08:15:00.000Z',
        lastEditedTime: '2026-11-23T08:15:00.000Z',
        properties: { Task: 'Pay invoice', Amount: 120 },
      });
      const sent = fake.requests
        .filter((r) => r.path === '/v1/pages')
        .at(-1)!
        .json<Record<string, unknown>>();
      expect(sent).toEqual({
        parent: { database_id: DB_UUID },
        properties: {
          Task: { title: [{ type: 'text', text: { content: 'Pay invoice' } }] },
          Status: { select: { name: 'To review' } },
          Amount: { number: 120 },
          Tags: { multi_select: [{ name: 'billing' }, { name: 'urgent' }] },
          Done: { checkbox: false },
        },
        children: [
          {
            object: 'block',
            type: 'heading_1',
            heading_1: { rich_text: [{ type: 'text', text: { content: 'Summary' } }] },
          },
          {
            object: 'block',
            type: 'paragraph',
            paragraph: { rich_text: [{ type: 'text', text: { content: 'Please pay.' } }] },
          },
          {
            object: 'block',
            type: 'bulleted_list_item',
            bulleted_list_item: { rich_text: [{ type: 'text', text: { content: 'item one' } }] },
          },
        ],
      });
    });

    it('names an unknown property instead of dropping it', async () => {
      await expect(
        createPageAction.run(
          actionContext({ databaseId: DB_ID, values: { Stauts: 'x' } }, { auth, connection: connection() }),
        ),
      ).rejects.toThrow(/"Stauts" is not a property of the database/);
    });

    it('appends blocks in batches of 100, after waiting out a 429', async () => {
      fake.once('PATCH /v1/blocks/:id/children', {
        status: 429,
        headers: { 'retry-after': '1' },
        json: {
          object: 'error',
          status: 429,
          code: 'rate_limited',
          message: 'You have been rated limited. Please try again in a few minutes.',
        },
      });
      const content = Array.from({ length: 150 }, (_, i) => `- line ${i}`).join('\n');
      const before = fake.requests.length;
      const out = await appendBlocksAction.run(
        actionContext({ pageId: PAGE_ID, content }, { auth, connection: connection() }),
      );
      expect(out.count).toBe(150);
      const patches = fake.requests.slice(before).filter((r) => r.method === 'PATCH');
      expect(patches.map((p) => p.json<{ children: unknown[] }>().children.length)).toEqual([100, 100, 50]);
      expect(patches[0]!.path).toBe(`/v1/blocks/${PAGE_ID}/children`);
    });

    it('passes Notion error messages on', async () => {
      await expect(
        appendBlocksAction.run(
          actionContext(
            { pageId: PAGE_ID, content: 'x' },
            { auth: { token: 'bad' }, connection: connection() },
          ),
        ),
      ).rejects.toThrow('Notion answered 401: API token is invalid.');
    });
  });
});
