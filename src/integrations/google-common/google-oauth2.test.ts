import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitedFetch } from '../../catalog/limited-fetch.ts';
import { type AccessDeps, loadConnectionForRun } from '../../connections/connection-access.ts';
import { createConnectionRow } from '../../connections/connection-row.ts';
import type { OAuth2Credentials } from '../../connections/oauth2-client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { gmailService } from '../gmail/index.ts';
import { actionContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';

/**
 * The Google services' token life through the real connections code: a stored connection whose
 * access token the API no longer accepts is refreshed with its refresh token at Google's token
 * endpoint, and marked expired when Google refuses the refresh.
 */
describe('Google OAuth2 connections', () => {
  let t: TestApp;
  let user: TestUser;
  let fake: FakeServer;
  let access: AccessDeps;
  let valid = 'fresh-1';
  let refuse = false;

  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('POST /token', (req) => {
      const form = new URLSearchParams(req.text);
      expect(form.get('grant_type')).toBe('refresh_token');
      expect(form.get('client_id')).toBe('client-1.apps.googleusercontent.com');
      if (refuse || form.get('refresh_token') !== 'refresh-1') {
        return {
          status: 400,
          json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        };
      }
      return {
        json: {
          access_token: valid,
          expires_in: 3599,
          scope: 'https://www.googleapis.com/auth/gmail.send',
          token_type: 'Bearer',
        },
      };
    });
    fake.on('POST /gmail/v1/users/me/messages/send', (req) =>
      req.headers['authorization'] === `Bearer ${valid}`
        ? { json: { id: 'm-1', threadId: 'm-1', labelIds: ['SENT'] } }
        : {
            status: 401,
            json: {
              error: {
                code: 401,
                message: 'Request had invalid authentication credentials.',
                status: 'UNAUTHENTICATED',
              },
            },
          },
    );
    t = await createTestApp();
    user = await createTestUser(t);
    access = {
      db: t.ctx.db,
      keys: t.ctx.keys,
      catalog: t.ctx.catalog,
      http: createLimitedFetch({ timeoutMs: 10_000, maxBytes: 1 << 20 }),
    };
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  async function connection(name: string): Promise<string> {
    const credentials: OAuth2Credentials = {
      clientId: 'client-1.apps.googleusercontent.com',
      clientSecret: 'client-secret-1',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: `${fake.url}/token`,
      scopes: ['https://www.googleapis.com/auth/gmail.send'],
      accessToken: 'revoked-by-google',
      refreshToken: 'refresh-1',
      tokenType: 'Bearer',
      expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    };
    return createConnectionRow(t.ctx, user.id, {
      serviceKey: 'gmail',
      name,
      credentials,
      config: { baseUrl: fake.url },
    });
  }

  it('refreshes a token the API refuses and stores the new one', async () => {
    const id = await connection('Work Gmail');
    const loaded = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    const send = gmailService.actions.find((a) => a.key === 'send_email')!;
    const out = await send.run(
      actionContext({ to: 'a@example.com', subject: 'Hi', body: 'x' }, loaded) as never,
    );
    expect(out).toEqual({ id: 'm-1', threadId: 'm-1', labelIds: ['SENT'] });
    const row = await t.ctx.db
      .selectFrom('connections')
      .select(['encrypted_credentials', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(t.ctx.keys.openJson<OAuth2Credentials>(row.encrypted_credentials).accessToken).toBe('fresh-1');
  });

  it('marks the connection expired when Google refuses the refresh', async () => {
    valid = 'fresh-2';
    refuse = true;
    const id = await connection('Old Gmail');
    const loaded = await loadConnectionForRun(access, { connectionId: id, userId: user.id });
    const send = gmailService.actions.find((a) => a.key === 'send_email')!;
    await expect(
      send.run(actionContext({ to: 'a@example.com', subject: 'Hi', body: 'x' }, loaded) as never),
    ).rejects.toThrow(/Token has been expired or revoked/);
    const row = await t.ctx.db
      .selectFrom('connections')
      .select(['status', 'error_message'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('expired');
    expect(row.error_message).toContain('Token has been expired or revoked');
    await expect(loadConnectionForRun(access, { connectionId: id, userId: user.id })).rejects.toThrow(
      /has expired: reconnect it/,
    );
  });
});
