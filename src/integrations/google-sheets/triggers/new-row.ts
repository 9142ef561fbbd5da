import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { a1Range, firstRowOf, valuesPath } from '../common/a1-range.ts';
import { sheetNameProp, spreadsheetIdProp } from '../common/sheet-props.ts';
import { sheetsClient, type ValueRange } from '../common/sheets-client.ts';

export interface SheetRow {
  rowNumber: number;
  values: string[];
  /** The row keyed by the header row's titles (empty when the sheet has no header row). */
  row: Record<string, string>;
  spreadsheetId: string;
  sheetName: string;
}

const asText = (value: unknown) => (value === null || value === undefined ? '' : String(value));

export const newRowTrigger = defineTrigger({
  key: 'new_row',
  name: 'New row',
  description:
    'Starts a run for each row added below the last row seen. Rows are told apart by their row number, so insert new rows at the bottom.',
  mode: 'polling',
  props: {
    spreadsheetId: spreadsheetIdProp,
    sheetName: sheetNameProp,
    hasHeader: prop.boolean({
      displayName: 'First row is a header',
      description: 'Its titles name the fields of `row` and it never fires itself.',
      default: true,
    }),
  },
  output: {
    type: 'object',
    properties: {
      rowNumber: { type: 'integer' },
      values: { type: 'array', items: { type: 'string' } },
      row: { type: 'object', additionalProperties: { type: 'string' } },
      spreadsheetId: { type: 'string' },
      sheetName: { type: 'string' },
    },
    required: ['rowNumber', 'values', 'row', 'spreadsheetId', 'sheetName'],
  },
  sampleOutput: {
    rowNumber: 12,
    values: ['2026-11-23', 'Ada Lovelace', 'ada@example.com', '120'],
    row: { Date: '2026-11-23', Name: 'Ada Lovelace', Email: 'ada@example.com', Amount: '120' },
    spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
    sheetName: 'Sheet1',
  } satisfies SheetRow,
  polling: {
    intervalSeconds: 60,
    // The row number is the position in the sheet: "newer" means further down.
    dedupe: { by: 'timestamp', timestamp: (item: SheetRow) => item.rowNumber },
    async poll(ctx) {
      const { spreadsheetId, sheetName } = ctx.props;
      const hasHeader = ctx.props.hasHeader ?? true;
      const api = sheetsClient(ctx);
      const read = (cells: string | undefined) =>
        api.json<ValueRange>({
          path: valuesPath(spreadsheetId, a1Range(sheetName, cells)),
          query: { majorDimension: 'ROWS' },
        });

      const after = ctx.cursor.lastTimestamp;
      const start = after === undefined ? 1 : after + 1;
      const answer = await read(after === undefined ? undefined : `A${start}:ZZZ`);
      const rows = answer.values ?? [];
      if (rows.length === 0) return [];
      const first = firstRowOf(answer.range) ?? start;
      let header: string[] = [];
      if (hasHeader) {
        header =
          first === 1 ? (rows[0] ?? []).map(asText) : ((await read('1:1')).values?.[0] ?? []).map(asText);
      }
      const items: SheetRow[] = [];
      rows.forEach((cells, index) => {
        const rowNumber = first + index;
        if (hasHeader && rowNumber === 1) return;
        const values = cells.map(asText);
        if (values.every((v) => v === '')) return;
        const row: Record<string, string> = {};
        header.forEach((title, i) => {
          if (title) row[title] = values[i] ?? '';
        });
        items.push({ rowNumber, values, row, spreadsheetId, sheetName });
      });
      return items;
    },
  },
});
