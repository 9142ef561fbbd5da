import { prop } from '../../catalog/props.ts';

/** An email account: SMTP to send, IMAP to read. Stored encrypted as one connection. */
export interface EmailCredentials {
  username: string;
  password: string;
  fromAddress?: string;
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: Security;
  imapHost?: string;
  imapPort?: number;
  imapSecurity?: Security;
  /** Accept self-signed server certificates (private mail servers). */
  allowSelfSigned?: boolean;
}

export type Security = 'tls' | 'starttls' | 'none';

const SECURITY = [
  { label: 'TLS', value: 'tls' },
  { label: 'STARTTLS', value: 'starttls' },
  { label: 'None (local servers only)', value: 'none' },
] as const;

export const emailAuthProps = {
  username: prop.text({ displayName: 'User name', required: true, placeholder: 'me@example.com' }),
  password: prop.secret({ displayName: 'Password', required: true }),
  fromAddress: prop.email({ displayName: 'Send as', placeholder: 'me@example.com' }),
  smtpHost: prop.text({ displayName: 'SMTP host', placeholder: 'smtp.example.com' }),
  smtpPort: prop.number({
    displayName: 'SMTP port',
    integer: true,
    minimum: 1,
    maximum: 65535,
    default: 465,
  }),
  smtpSecurity: prop.select({ displayName: 'SMTP security', default: 'tls', options: SECURITY }),
  imapHost: prop.text({ displayName: 'IMAP host', placeholder: 'imap.example.com' }),
  imapPort: prop.number({
    displayName: 'IMAP port',
    integer: true,
    minimum: 1,
    maximum: 65535,
    default: 993,
  }),
  imapSecurity: prop.select({ displayName: 'IMAP security', default: 'tls', options: SECURITY }),
  allowSelfSigned: prop.boolean({ displayName: 'Accept self-signed certificates', default: false }),
};
