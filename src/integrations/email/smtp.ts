import type { EmailCredentials } from './auth.ts';

/** Nodemailer is loaded on first use: most processes never send an email. */
export async function smtpTransport(credentials: EmailCredentials) {
  if (!credentials.smtpHost) throw new Error('The email connection has no SMTP host');
  const { default: nodemailer } = await import('nodemailer');
  const security = credentials.smtpSecurity ?? 'tls';
  return nodemailer.createTransport({
    host: credentials.smtpHost,
    port: credentials.smtpPort ?? (security === 'tls' ? 465 : 587),
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    auth: { user: credentials.username, pass: credentials.password },
    tls: { rejectUnauthorized: !credentials.allowSelfSigned },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
}
