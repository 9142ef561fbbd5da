import type { ServiceAuth } from '../../catalog/define.ts';
import { googleOAuth2 } from '../google-common/google-oauth2.ts';
import { sheetsClient } from './common/sheets-client.ts';

export const googleSheetsAuth: ServiceAuth = {
  type: 'oauth2',
  oauth2: googleOAuth2(['https://www.googleapis.com/auth/spreadsheets']),
  async test(ctx) {
    // Any authenticated call works; a spreadsheet that does not exist answers 404, a bad token 401.
    await sheetsClient(ctx).send({ path: '/v4/spreadsheets/area-connection-test', accept: [404] });
  },
};
