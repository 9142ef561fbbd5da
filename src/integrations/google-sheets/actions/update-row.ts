import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { a1Range, firstRowOf, valuesPath } from '../common/a1-range.ts';
import {
  rowValuesProp,
  sheetNameProp,
  spreadsheetIdProp,
  updateOutput,
  valueInputOptionProp,
} from '../common/sheet-props.ts';
import { sheetsClient, type UpdateValuesResponse } from '../common/sheets-client.ts';

export const updateRowAction = defineAction({
  key: 'update_row',
  name: 'Update row',
  description:
    'Overwrites the cells of one row, from column A on (the new row trigger gives its row number).',
  props: {
    spreadsheetId: spreadsheetIdProp,
    sheetName: sheetNameProp,
    rowNumber: prop.number({
      displayName: 'Row number',
      required: true,
      integer: true,
      minimum: 1,
      placeholder: '{{ trigger.rowNumber }}',
    }),
    values: rowValuesProp,
    valueInputOption: valueInputOptionProp,
  },
  output: updateOutput,
  sampleOutput: {
    spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
    updatedRange: 'Sheet1!A5:C5',
    rowNumber: 5,
    updatedRows: 1,
    updatedColumns: 3,
    updatedCells: 3,
  },
  async run(ctx) {
    const range = a1Range(ctx.props.sheetName, `A${ctx.props.rowNumber}`);
    const u = await sheetsClient(ctx).json<UpdateValuesResponse>({
      method: 'PUT',
      path: valuesPath(ctx.props.spreadsheetId, range),
      query: { valueInputOption: ctx.props.valueInputOption ?? 'USER_ENTERED' },
      json: { range, majorDimension: 'ROWS', values: [ctx.props.values] },
    });
    return {
      spreadsheetId: u.spreadsheetId,
      updatedRange: u.updatedRange,
      rowNumber: firstRowOf(u.updatedRange) ?? ctx.props.rowNumber,
      updatedRows: u.updatedRows ?? 0,
      updatedColumns: u.updatedColumns ?? 0,
      updatedCells: u.updatedCells ?? 0,
    };
  },
});
