import type { ApiClient } from '../../api-client/api-client.ts';
import { type ClientContext, createGoogleClient } from '../../google-common/google-client.ts';

export const SHEETS_BASE_URL = 'https://sheets.googleapis.com';

export function sheetsClient(ctx: ClientContext): ApiClient {
  return createGoogleClient(ctx, 'Google Sheets', SHEETS_BASE_URL);
}

/** The spreadsheets.values resource. */
export interface ValueRange {
  range: string;
  majorDimension?: 'ROWS' | 'COLUMNS';
  values?: unknown[][];
}

export interface UpdateValuesResponse {
  spreadsheetId: string;
  updatedRange: string;
  updatedRows?: number;
  updatedColumns?: number;
  updatedCells?: number;
}
