import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext } from '../testing/component-context.ts';
import { type FakeServer, type ReceivedRequest, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness, type PollHarness } from '../testing/poll-harness.ts';
import { appendRowAction } from './actions/append-row.ts';
import { updateRowAction } from './actions/update-row.ts';
import { googleSheetsService } from './index.ts';
import { newRowTrigger } from './triggers/new-row.ts';

const SHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const unauthorized = {
  status: 401,
  json: {
    error: {
      code: 401,
      message: 'Request had invalid authentication credentials.',
      status: 'UNAUTHENTICATED',
    },
  },
};
const authorized = (req: ReceivedRequest) => req.headers['authorization'] === 'Bearer sheet-token';

/** A sheet held in memory, answering spreadsheets.values get/append/update like the Sheets API. */
function sheetApi(fake: FakeServer, rows: string[][]) {
  fake.on('GET /v4/spreadsheets/:id/values/:range', (req) => {
    if (!authorized(req)) return unauthorized;
    if (req.params['id'] !== SHEET_ID)
      return {
        status: 404,
        json: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } },
      };
    const range = req.params['range']!;
    const cells = range.includes('!') ? range.split('!')[1]! : '';
    const from = cells ? Number(/\d+/.exec(cells)![0]) : 1;
    const to = cells === '1:1' ? 1 : rows.length;
    const values = rows.slice(from - 1, to);
    return {
      json: {
        range: `Orders!A${from}:D${Math.max(from, to)}`,
        majorDimension: 'ROWS',
        ...(values.length ? { values } : {}),
      },
    };
  });
  fake.on('POST /v4/spreadsheets/:id/values/:range', (req) => {
    if (!authorized(req)) return unauthorized;
    expect(req.params['range']).toBe("'Orders'!A1:append");
    expect(req.query.get('valueInputOption')).toBe('USER_ENTERED');
    expect(req.query.get('insertDataOption')).toBe('INSERT_ROWS');
    const body = req.json<{ values: string[][]; majorDimension: string }>();
    expect(body.majorDimension).toBe('ROWS');
    rows.push(...body.values);
    const n = rows.length;
    return {
      json: {
        spreadsheetId: SHEET_ID,
        tableRange: `Orders!A1:D${n - 1}`,
        updates: {
          spreadsheetId: SHEET_ID,
          updatedRange: `Orders!A${n}:D${n}`,
          updatedRows: 1,
          updatedColumns: body.values[0]!.length,
          updatedCells: body.values[0]!.length,
        },
      },
    };
  });
  fake.on('PUT /v4/spreadsheets/:id/values/:range', (req) => {
    if (!authorized(req)) return unauthorized;
    const row = Number(/!A(\d+)$/.exec(req.params['range']!)![1]);
    const body = req.json<{ values: string[][] }>();
    rows[row - 1] = body.values[0]!;
    return {
      json: {
        spreadsheetId: SHEET_ID,
        updatedRange: `Orders!A${row}:D${row}`,
        updatedRows: 1,
        updatedColumns: 4,
        updatedCells: 4,
      },
    };
  });
}

describe('google sheets', () => {
  let fake: FakeServer;
  let harness: PollHarness;
  const rows: string[][] = [
    ['Date', 'Name', 'Email', 'Amount'],
    ['2026-11-20', 'Ada', 'ada@example.com', '120'],
  ];
  const opts = () => ({
    auth: { access_token: 'sheet-token' },
    connection: { config: { baseUrl: fake.url } },
  });
  beforeAll(async () => {
    fake = await startFakeServer();
    sheetApi(fake, rows);
    harness = await createPollHarness(newRowTrigger);
  });
  afterAll(async () => {
    await fake.close();
    await harness.close();
  });

  it('is a valid catalog entry', () => {
    expect(() => createCatalog([googleSheetsService])).not.toThrow();
  });

  it('fires once per new row below the last one seen, across restarts', async () => {
    const props = { spreadsheetId: SHEET_ID, sheetName: 'Orders', hasHeader: true };
    expect(await harness.poll(props, opts())).toEqual({ polled: 1, fired: 0 });

    const append = await appendRowAction.run(
      actionContext(
        {
          spreadsheetId: SHEET_ID,
          sheetName: 'Orders',
          values: ['2026-11-21', 'Grace', 'grace@example.com', '80'],
        },
        opts(),
      ),
    );
    expect(append).toEqual({
      spreadsheetId: SHEET_ID,
      updatedRange: 'Orders!A3:D3',
      rowNumber: 3,
      updatedRows: 1,
      updatedColumns: 4,
      updatedCells: 4,
    });
    rows.push(['2026-11-22', 'Linus', 'linus@example.com', '55']);

    expect((await harness.poll(props, opts())).fired).toBe(2);
    expect((await harness.poll(props, opts())).fired).toBe(0);
    const polls = fake.requests.filter((r) => r.method === 'GET');
    expect(polls.at(-1)!.params['range']).toBe("'Orders'!A5:ZZZ");
    expect(harness.fired.map((f) => f.item)).toEqual([
      {
        rowNumber: 3,
        values: ['2026-11-21', 'Grace', 'grace@example.com', '80'],
        row: { Date: '2026-11-21', Name: 'Grace', Email: 'grace@example.com', Amount: '80' },
        spreadsheetId: SHEET_ID,
        sheetName: 'Orders',
      },
      {
        rowNumber: 4,
        values: ['2026-11-22', 'Linus', 'linus@example.com', '55'],
        row: { Date: '2026-11-22', Name: 'Linus', Email: 'linus@example.com', Amount: '55' },
        spreadsheetId: SHEET_ID,
        sheetName: 'Orders',
      },
    ]);
  });

  it('updates a row in place', async () => {
    const out = await updateRowAction.run(
      actionContext(
        {
          spreadsheetId: SHEET_ID,
          sheetName: 'Orders',
          rowNumber: 2,
          values: ['2026-11-20', 'Ada', 'ada@example.com', '150'],
          valueInputOption: 'RAW' as const,
        },
        opts(),
      ),
    );
    expect(out.rowNumber).toBe(2);
    const put = fake.requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.query.get('valueInputOption')).toBe('RAW');
    expect(put.json()).toEqual({
      range: "'Orders'!A2",
      majorDimension: 'ROWS',
      values: [['2026-11-20', 'Ada', 'ada@example.com', '150']],
    });
    expect(rows[1]![3]).toBe('150');
  });

  it('honours 429 Retry-After and reports errors readably', async () => {
    fake.once('PUT /v4/spreadsheets/:id/values/:range', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: {
        error: {
          code: 429,
          message: "Quota exceeded for quota metric 'Write requests'",
          status: 'RESOURCE_EXHAUSTED',
        },
      },
    });
    const ctx = actionContext(
      { spreadsheetId: SHEET_ID, sheetName: 'Orders', rowNumber: 2, values: ['x'] },
      opts(),
    );
    await expect(updateRowAction.run(ctx)).resolves.toMatchObject({ rowNumber: 2 });
    await expect(
      updateRowAction.run(
        actionContext(
          { spreadsheetId: SHEET_ID, sheetName: 'Orders', rowNumber: 2, values: ['x'] },
          { ...opts(), auth: { access_token: 'wrong' } },
        ),
      ),
    ).rejects.toThrow('Google Sheets answered 401: Request had invalid authentication credentials.');
  });
});
