import { defineAction } from '../../../catalog/define.ts';
import { a1Range, firstRowOf, valuesPath } from '../common/a1-range.ts';
import {
  rowValuesProp,
  sheetNameProp,
  spreadsheetIdProp,
  updateOutput,
  valueInputOptionProp,
} from '../common/sheet-props.ts';
import { sheetsClient, type UpdateValuesResponse } from '../common/sheets-client.ts';

interface AppendResponse {
  spreadsheetId: string;
  tableRange?: string;
  updates: UpdateValuesResponse;
}

export const appendRowAction = defineAction({
  key: 'append_row',
  name: 'Append row',
  description: 'Adds a row after the last row of the table in a sheet.',
  props: {
    spreadsheetId: spreadsheetIdProp,
    sheetName: sheetNameProp,
    values: rowValuesProp,
    valueInputOption: valueInputOptionProp,
  },
  output: updateOutput,
  sampleOutput: {
    spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
    updatedRange: 'Sheet1!A12:C12',
    rowNumber: 12,
    updatedRows: 1,
    updatedColumns: 3,
    updatedCells: 3,
  },
  async run(ctx) {
    const range = a1Range(ctx.props.sheetName, 'A1');
    const answer = await sheetsClient(ctx).json<AppendResponse>({
      method: 'POST',
      path: valuesPath(ctx.props.spreadsheetId, range, ':append'),
      query: {
        valueInputOption: ctx.props.valueInputOption ?? 'USER_ENTERED',
        insertDataOption: 'INSERT_ROWS',
      },
      json: { range, majorDimension: 'ROWS', values: [ctx.props.values] },
    });
    const u = answer.updates;
    return {
      spreadsheetId: u.spreadsheetId,
      updatedRange: u.updatedRange,
      rowNumber: firstRowOf(u.updatedRange) ?? null,
      updatedRows: u.updatedRows ?? 0,
      updatedColumns: u.updatedColumns ?? 0,
      updatedCells: u.updatedCells ?? 0,
    };
  },
});
