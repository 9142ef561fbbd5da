import { prop } from '../../../catalog/props.ts';

export const spreadsheetIdProp = prop.text({
  displayName: 'Spreadsheet id',
  required: true,
  description: 'The long id in the sheet URL: docs.google.com/spreadsheets/d/<id>/edit',
  placeholder: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
  pattern: '^[A-Za-z0-9_-]{10,}$',
});

export const sheetNameProp = prop.text({
  displayName: 'Sheet name',
  required: true,
  description: 'The tab name at the bottom of the spreadsheet.',
  placeholder: 'Sheet1',
  default: 'Sheet1',
  minLength: 1,
});

export const valueInputOptionProp = prop.select({
  displayName: 'Value input',
  description:
    'User entered: values are parsed as if typed (formulas, dates, numbers). Raw: stored as given.',
  default: 'USER_ENTERED',
  options: [
    { label: 'As if typed by a user', value: 'USER_ENTERED' },
    { label: 'Raw', value: 'RAW' },
  ],
});

export const rowValuesProp = prop.array({
  displayName: 'Values',
  required: true,
  description: 'One value per column, starting at column A.',
  placeholder: '["{{ trigger.date }}", "{{ trigger.from }}", "{{ trigger.subject }}"]',
  items: prop.text({ displayName: 'Value', placeholder: '{{ trigger.subject }}' }),
  minItems: 1,
});

export const updateOutput = {
  type: 'object',
  properties: {
    spreadsheetId: { type: 'string' },
    updatedRange: { type: 'string' },
    rowNumber: { type: ['integer', 'null'] },
    updatedRows: { type: 'integer' },
    updatedColumns: { type: 'integer' },
    updatedCells: { type: 'integer' },
  },
  required: ['spreadsheetId', 'updatedRange', 'rowNumber', 'updatedRows', 'updatedColumns', 'updatedCells'],
};
