import type { ImapFlow } from 'imapflow';
import type { EmailCredentials } from './auth.ts';

/**
 * An IMAP client for the connection; the caller connects and logs out. ImapFlow is loaded on first
 * use: most processes never read a mailbox.
 */
export async function imapClient(credentials: EmailCredentials): Promise<ImapFlow> {
  if (!credentials.imapHost) throw new Error('The email connection has no IMAP host');
  const { ImapFlow } = await import('imapflow');
  const security = credentials.imapSecurity ?? 'tls';
  return new ImapFlow({
    host: credentials.imapHost,
    port: credentials.imapPort ?? (security === 'tls' ? 993 : 143),
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : security === 'none' ? false : undefined,
    auth: { user: credentials.username, pass: credentials.password },
    tls: { rejectUnauthorized: !credentials.allowSelfSigned },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
}

/** Runs `work` with a connected client and always logs out. */
export async function withImap<T>(
  credentials: EmailCredentials,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = await imapClient(credentials);
  client.on('error', () => {
    // Socket errors also reject the pending command; the listener keeps them from crashing the process.
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
