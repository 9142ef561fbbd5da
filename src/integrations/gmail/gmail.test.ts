import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../catalog/registry.ts';
import { actionContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness, type PollHarness } from '../testing/poll-harness.ts';
import { sendEmailAction } from './actions/send-email.ts';
import type { GmailMessage } from './common/gmail-types.ts';
import { gmailService } from './index.ts';
import { newEmailTrigger } from './triggers/new-email.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function message(id: string, subject: string): GmailMessage {
  return {
    id,
    threadId: `t-${id}`,
    labelIds: ['INBOX', 'UNREAD'],
    snippet: `About ${subject}`,
    historyId: '9001',
    internalDate: '1795421702000',
    payload: {
      mimeType: 'multipart/mixed',
      headers: [
        { name: 'From', value: 'Ada <ada@example.com>' },
        { name: 'To', value: 'me@example.com' },
        { name: 'Subject', value: subject },
      ],
      parts: [
        {
          mimeType: 'multipart/alternative',
          parts: [
            { partId: '0.0', mimeType: 'text/plain', body: { size: 5, data: b64(`Body of ${subject}`) } },
            { partId: '0.1', mimeType: 'text/html', body: { size: 9, data: b64(`<p>${subject}</p>`) } },
          ],
        },
        {
          partId: '1',
          mimeType: 'application/pdf',
          filename: 'a.pdf',
          body: { size: 1200, attachmentId: 'att-1' },
        },
      ],
    },
  };
}

describe('gmail', () => {
  let fake: FakeServer;
  const connection = () => ({ config: { baseUrl: fake.url } });

  beforeAll(async () => {
    fake = await startFakeServer();
  });
  afterAll(() => fake.close());

  it('is a valid catalog entry', () => {
    expect(() => createCatalog([gmailService])).not.toThrow();
  });

  it('sends an RFC 2822 message, base64url encoded, with the bearer token', async () => {
    fake.on('POST /gmail/v1/users/me/messages/send', (req) => {
      if (req.headers['authorization'] !== 'Bearer tok-1')
        return {
          status: 401,
          json: { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } },
        };
      const body = req.json<{ raw: string; threadId?: string }>();
      if (!/^[A-Za-z0-9_-]+$/.test(body.raw))
        return {
          status: 400,
          json: { error: { code: 400, message: 'Invalid value for ByteString', status: 'INVALID_ARGUMENT' } },
        };
      return { json: { id: 'sent-1', threadId: body.threadId ?? 'sent-1', labelIds: ['SENT'] } };
    });
    const ctx = actionContext(
      {
        to: 'ada@example.com',
        bcc: 'boss@example.com',
        subject: 'Héllo ✓',
        body: 'Plain body',
        threadId: 'thr-9',
      },
      { auth: { accessToken: 'tok-1' }, connection: connection() },
    );
    const out = await sendEmailAction.run(ctx);
    expect(out).toEqual({ id: 'sent-1', threadId: 'thr-9', labelIds: ['SENT'] });
    const sent = fake.requests.at(-1)!;
    const raw = Buffer.from(sent.json<{ raw: string }>().raw, 'base64url').toString('utf8');
    expect(raw).toMatch(/^To: ada@example.com$/m);
    expect(raw).toMatch(/^Bcc: boss@example.com$/m);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(raw).toContain('Plain body');
  });

  it('refreshes an expired token once and repeats the call', async () => {
    fake.once('POST /gmail/v1/users/me/messages/send', {
      status: 401,
      json: { error: { code: 401, message: 'Request had invalid authentication credentials.' } },
    });
    let refreshed = 0;
    const ctx = actionContext(
      { to: 'ada@example.com', subject: 'Hi', body: 'x' },
      {
        auth: { accessToken: 'stale' },
        connection: {
          ...connection(),
          refresh: async () => {
            refreshed += 1;
            return { accessToken: 'tok-1' };
          },
        },
      },
    );
    await expect(sendEmailAction.run(ctx)).resolves.toMatchObject({ id: 'sent-1' });
    expect(refreshed).toBe(1);
    expect(fake.requests.at(-1)!.headers['authorization']).toBe('Bearer tok-1');
  });

  it('passes on the failure of a refresh (connection marked expired by the connections code)', async () => {
    const ctx = actionContext(
      { to: 'ada@example.com', subject: 'Hi', body: 'x' },
      {
        auth: { accessToken: 'stale' },
        connection: {
          ...connection(),
          refresh: async () => {
            throw new Error('The Google connection expired: reconnect it');
          },
        },
      },
    );
    await expect(sendEmailAction.run(ctx)).rejects.toThrow(/reconnect/);
  });

  it('waits out a 429 with Retry-After, and reports provider errors readably', async () => {
    fake.once('POST /gmail/v1/users/me/messages/send', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: { error: { code: 429, message: 'User-rate limit exceeded', status: 'RESOURCE_EXHAUSTED' } },
    });
    const ctx = actionContext(
      { to: 'a@example.com', subject: 'S', body: 'B' },
      { auth: { accessToken: 'tok-1' }, connection: connection() },
    );
    const before = fake.requests.length;
    await expect(sendEmailAction.run(ctx)).resolves.toMatchObject({ id: 'sent-1' });
    expect(fake.requests.length - before).toBe(2);

    // Google's older shape: a 403 whose reason says it is a rate limit is waited out like a 429.
    fake.once('POST /gmail/v1/users/me/messages/send', {
      status: 403,
      json: {
        error: {
          code: 403,
          message: 'User-rate limit exceeded',
          errors: [
            { domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User-rate limit exceeded' },
          ],
        },
      },
    });
    await expect(sendEmailAction.run(ctx)).resolves.toMatchObject({ id: 'sent-1' });

    fake.once('POST /gmail/v1/users/me/messages/send', {
      status: 400,
      json: { error: { code: 400, message: 'Invalid To header', status: 'INVALID_ARGUMENT' } },
    });
    await expect(sendEmailAction.run(ctx)).rejects.toThrow('Gmail answered 400: Invalid To header');
  });

  describe('new email trigger', () => {
    let harness: PollHarness;
    const inbox: GmailMessage[] = [message('m1', 'First'), message('m2', 'Second')];
    beforeAll(async () => {
      harness = await createPollHarness(newEmailTrigger);
      fake.on('GET /gmail/v1/users/me/messages', (req) => {
        if (req.headers['authorization'] !== 'Bearer tok-1')
          return { status: 401, json: { error: { message: 'bad token' } } };
        expect(req.query.get('q')).toBe('from:ada@example.com');
        expect(req.query.getAll('labelIds')).toEqual(['INBOX']);
        const newestFirst = [...inbox].reverse().map((m) => ({ id: m.id, threadId: m.threadId }));
        // A message deleted between the list and the read answers 404 and is passed over.
        if (inbox.length > 2) newestFirst.unshift({ id: 'deleted-meanwhile', threadId: 'x' });
        // Pages of maxResults, continued by an opaque token as Gmail does.
        const size = Number(req.query.get('maxResults'));
        const start = Number(req.query.get('pageToken') ?? 0);
        const end = start + size;
        return {
          json: {
            messages: newestFirst.slice(start, end),
            ...(end < newestFirst.length ? { nextPageToken: String(end) } : {}),
            resultSizeEstimate: inbox.length,
          },
        };
      });
      fake.on('GET /gmail/v1/users/me/messages/:id', (req) => {
        expect(req.query.get('format')).toBe('full');
        const found = inbox.find((m) => m.id === req.params['id']);
        return found
          ? { json: found }
          : { status: 404, json: { error: { code: 404, message: 'Requested entity was not found.' } } };
      });
    });
    afterAll(() => harness.close());

    it('fires once per new email, across restarts', async () => {
      const props = { query: 'from:ada@example.com', labelIds: ['INBOX'], maxResults: 2 };
      const opts = { auth: { accessToken: 'tok-1' }, connection: connection() };
      expect(await harness.poll(props, opts)).toEqual({ polled: 2, fired: 0 });
      // Three new emails and a deleted one: more than one page of two.
      inbox.push(message('m3', 'Third'), message('m4', 'Fourth'), message('m5', 'Fifth'));
      expect((await harness.poll(props, opts)).fired).toBe(3);
      expect((await harness.poll(props, opts)).fired).toBe(0);
      expect(harness.fired.map((f) => (f.item as { subject: string }).subject)).toEqual([
        'Third',
        'Fourth',
        'Fifth',
      ]);
      expect(harness.fired[0]!.item).toMatchObject({
        id: 'm3',
        from: 'Ada <ada@example.com>',
        bodyText: 'Body of Third',
        bodyHtml: '<p>Third</p>',
        attachments: [{ filename: 'a.pdf', mimeType: 'application/pdf', size: 1200, attachmentId: 'att-1' }],
        date: '2026-11-23T08:15:02.000Z',
      });
    });
  });
});
