import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import { exchangeCode, refreshAccessToken } from './oauth2-client.ts';

let server: Server;
let tokenUrl: string;
const seen: { headers: IncomingHttpHeaders; form: URLSearchParams }[] = [];
const http = createLimitedFetch({ timeoutMs: 5_000, maxBytes: 64 * 1024 });

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, form: new URLSearchParams(raw) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `at-${seen.length}`,
          refresh_token: 'rt',
          token_type: 'bearer',
          expires_in: 3600,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('OAuth2 token requests', () => {
  it('sends the client in the form body by default', async () => {
    const tokens = await exchangeCode(
      http,
      { clientId: 'app', clientSecret: 's3cret', tokenUrl },
      { code: 'c1', redirectUri: 'http://area.test/cb' },
    );
    expect(tokens.accessToken).toBe('at-1');
    const { headers, form } = seen.at(-1)!;
    expect(headers.authorization).toBeUndefined();
    expect(Object.fromEntries(form)).toMatchObject({ client_id: 'app', client_secret: 's3cret', code: 'c1' });
  });

  it('authenticates with HTTP Basic where the provider requires it, also when refreshing', async () => {
    await exchangeCode(
      http,
      { clientId: 'app id', clientSecret: 's3:cret', tokenUrl, clientAuth: 'basic' },
      { code: 'c2', redirectUri: 'http://area.test/cb' },
    );
    const basic = `Basic ${Buffer.from('app%20id:s3%3Acret').toString('base64')}`;
    expect(seen.at(-1)!.headers.authorization).toBe(basic);
    expect(seen.at(-1)!.form.has('client_secret')).toBe(false);
    await refreshAccessToken(http, {
      clientId: 'app id',
      clientSecret: 's3:cret',
      authorizationUrl: 'http://x',
      tokenUrl,
      scopes: [],
      accessToken: 'old',
      refreshToken: 'rt',
      tokenType: 'bearer',
      clientAuth: 'basic',
    });
    expect(seen.at(-1)!.headers.authorization).toBe(basic);
    expect(Object.fromEntries(seen.at(-1)!.form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt',
    });
  });
});
