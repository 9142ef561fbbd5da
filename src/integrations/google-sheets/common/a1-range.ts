/**
 * A1 notation with the sheet name quoted the way Sheets wants it: inside single quotes, a quote
 * doubled (`'Q1 ''24'!A2:Z`). Plain names are quoted too; Sheets accepts both.
 */
export function a1Range(sheetName: string, cells?: string): string {
  const sheet = `'${sheetName.replace(/'/g, "''")}'`;
  return cells ? `${sheet}!${cells}` : sheet;
}

/** `'Sheet 1'!A5:D5` -> 5: the first row number in an A1 range. */
export function firstRowOf(range: string): number | undefined {
  const cells = range.includes('!') ? range.slice(range.lastIndexOf('!') + 1) : range;
  const match = /^[A-Za-z]*(\d+)/.exec(cells);
  return match ? Number(match[1]) : undefined;
}

export function valuesPath(spreadsheetId: string, range: string, suffix = ''): string {
  return `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}${suffix}`;
}
