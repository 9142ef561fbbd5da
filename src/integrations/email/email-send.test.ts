import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standaloneActionContext } from '../../catalog/test-context.ts';
import { sendEmailAction } from './actions/send.ts';
import type { EmailCredentials } from './auth.ts';

interface Received {
  from: string | false;
  to: string[];
  user: string | undefined;
  raw: Buffer;
}

describe('email.send through a real SMTP server', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'ada@example.com' && auth.password === 'smtp-pass-1') {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const credentials = (): EmailCredentials => ({
    username: 'ada@example.com',
    password: 'smtp-pass-1',
    fromAddress: 'ada@example.com',
    smtpHost: '127.0.0.1',
    smtpPort: port,
    smtpSecurity: 'none',
  });

  it('delivers the message with its envelope, subject and bodies', async () => {
    const ctx = standaloneActionContext(
      {
        to: 'bob@example.com, carol@example.com',
        subject: 'Order 42 shipped',
        text: 'It is on its way.',
        html: '<p>It is on its way.</p>',
      },
      { auth: credentials() },
    );
    const out = await sendEmailAction.run(ctx);
    expect(out.accepted).toEqual(['bob@example.com', 'carol@example.com']);
    expect(out.rejected).toEqual([]);
    const mail = received.at(-1)!;
    expect(mail).toMatchObject({
      from: 'ada@example.com',
      to: ['bob@example.com', 'carol@example.com'],
      user: 'ada@example.com',
    });
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('Order 42 shipped');
    expect(parsed.text?.trim()).toBe('It is on its way.');
    expect(parsed.html).toContain('<p>It is on its way.</p>');
    expect(parsed.messageId).toBe(out.messageId);
  });

  it('fails with a readable error on wrong credentials, without the password', async () => {
    const ctx = standaloneActionContext(
      { to: 'bob@example.com', subject: 'x', text: 'y' },
      { auth: { ...credentials(), password: 'wrong-pass-9' } },
    );
    const error = await sendEmailAction.run(ctx).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/Invalid/);
    expect((error as Error).message).not.toContain('wrong-pass-9');
  });
});
