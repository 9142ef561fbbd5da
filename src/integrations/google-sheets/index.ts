import { defineService } from '../../catalog/define.ts';
import { appendRowAction } from './actions/append-row.ts';
import { updateRowAction } from './actions/update-row.ts';
import { googleSheetsAuth } from './auth.ts';
import { newRowTrigger } from './triggers/new-row.ts';

export const googleSheetsService = defineService({
  key: 'google-sheets',
  name: 'Google Sheets',
  description: 'Watch a sheet for new rows, append rows and update them.',
  icon: 'google-sheets',
  category: 'productivity',
  docsUrl: 'https://developers.google.com/sheets/api/reference/rest',
  auth: googleSheetsAuth,
  triggers: [newRowTrigger],
  actions: [appendRowAction, updateRowAction],
  templates: [
    {
      name: 'Google account with Sheets',
      description: 'Connect a Google account allowed to read and edit spreadsheets.',
      requiredScopes: ['https://www.googleapis.com/auth/spreadsheets'],
      setupGuide:
        'Create an OAuth client (type "Web application") in the Google Cloud console, enable the Google Sheets API, add the Area callback URL as an authorized redirect URI, then connect the account from Area.',
    },
  ],
});
