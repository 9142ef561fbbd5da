import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewItem, runPoll } from '../../catalog/run-poll.ts';
import { standaloneTriggerContext } from '../../catalog/test-context.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser } from '../../testing/test-users.ts';
import type { EmailCredentials } from './auth.ts';
import { type ImapServer, startImapServer } from './test-imap-server.ts';
import { type NewEmail, newEmailTrigger } from './triggers/new-email.ts';

describe('email.new_email against a real IMAP server (dovecot)', () => {
  let imap: ImapServer;
  let t: TestApp;
  let workflowId: string;
  let userId: string;

  beforeAll(async () => {
    imap = await startImapServer();
    t = await createTestApp();
    const user = await createTestUser(t);
    userId = user.id;
    workflowId = (
      await t.ctx.db
        .insertInto('workflows')
        .values({ user_id: user.id, name: 'New mail', trigger_type: 'polling' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await t?.close();
    await imap?.stop();
  });

  const credentials = (): EmailCredentials => ({
    username: imap.user,
    password: imap.password,
    imapHost: imap.host,
    imapPort: imap.port,
    imapSecurity: 'none',
  });

  async function deliver(subject: string): Promise<void> {
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
    });
    await client.connect();
    await client.append(
      'INBOX',
      `From: Bob <bob@example.com>\r\nTo: ada@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replaceAll(' ', '-')}@example.com>\r\nDate: Mon, 05 Jan 2026 09:00:00 +0000\r\n\r\nHello from ${subject}\r\n`,
    );
    await client.logout();
  }

  async function poll(): Promise<NewEmail[]> {
    const fired: NewItem[] = [];
    const ctx = standaloneTriggerContext(
      { mailbox: 'INBOX' },
      { auth: credentials(), workflow: { id: workflowId, userId }, node: { key: 'trigger' } },
    );
    await runPoll({
      db: t.ctx.db,
      polling: newEmailTrigger.polling,
      ctx,
      async onNewItems(trx, items) {
        // The engine inserts executions here with trx; a row proves the same transaction is usable.
        await trx
          .insertInto('hook_states')
          .values(
            items.map((i) => ({
              workflow_id: workflowId,
              state_key: `fired:${i.idempotencyKey}`,
              state_value: '1',
            })),
          )
          .execute();
        fired.push(...items);
      },
    });
    return fired.map((f) => f.item as NewEmail);
  }

  it('fires once per new message, by UID, across polls', async () => {
    await deliver('before start');
    expect(await poll()).toEqual([]); // the first poll records what is already there

    await deliver('first');
    await deliver('second');
    const fired = await poll();
    expect(fired.map((m) => m.subject)).toEqual(['first', 'second']);
    expect(fired[0]).toMatchObject({
      from: 'bob@example.com',
      to: ['ada@example.com'],
      mailbox: 'INBOX',
      messageId: '<first@example.com>',
      date: '2026-01-05T09:00:00.000Z',
    });
    expect(fired[0]!.text.trim()).toBe('Hello from first');
    expect(fired[1]!.uid).toBeGreaterThan(fired[0]!.uid);

    expect(await poll()).toEqual([]); // nothing new: nothing fires again

    await deliver('third');
    expect((await poll()).map((m) => m.subject)).toEqual(['third']);

    const markers = await t.ctx.db
      .selectFrom('hook_states')
      .select('state_key')
      .where('workflow_id', '=', workflowId)
      .where('state_key', 'like', 'fired:%')
      .execute();
    expect(markers).toHaveLength(3);
  });

  it('refuses wrong credentials with the server message', async () => {
    const ctx = standaloneTriggerContext({}, { auth: { ...credentials(), password: 'nope-nope' } });
    await expect(
      newEmailTrigger.polling.poll({
        ...ctx,
        cursor: { seenIds: [], lastTimestamp: undefined, firstPoll: true },
      }),
    ).rejects.toThrow();
  });
});
