import { defineService } from '../../catalog/define.ts';
import { sendEmailAction } from './actions/send.ts';
import { type EmailCredentials, emailAuthProps } from './auth.ts';
import { withImap } from './imap.ts';
import { smtpTransport } from './smtp.ts';
import { newEmailTrigger } from './triggers/new-email.ts';

export const emailService = defineService({
  key: 'email',
  name: 'Email',
  description: 'Send email over SMTP and start workflows on new email over IMAP.',
  icon: 'mail',
  category: 'core',
  auth: {
    type: 'custom',
    props: emailAuthProps,
    async test(ctx) {
      const credentials = ctx.auth as EmailCredentials;
      if (!credentials.smtpHost && !credentials.imapHost)
        throw new Error('Give an SMTP host, an IMAP host, or both');
      if (credentials.smtpHost) {
        const transport = await smtpTransport(credentials);
        try {
          await transport.verify();
        } finally {
          transport.close();
        }
      }
      if (credentials.imapHost) await withImap(credentials, async () => undefined);
    },
  },
  triggers: [newEmailTrigger],
  actions: [sendEmailAction],
  templates: [
    {
      name: 'Gmail',
      description: 'Gmail with an app password.',
      configuration: {
        credentials: {
          smtpHost: 'smtp.gmail.com',
          smtpPort: 465,
          smtpSecurity: 'tls',
          imapHost: 'imap.gmail.com',
          imapPort: 993,
          imapSecurity: 'tls',
        },
      },
      setupGuide: 'Turn on 2-step verification, create an app password, and use it as the password.',
    },
    {
      name: 'Generic SMTP/IMAP',
      description: 'Any mail server: TLS on 465 (SMTP) and 993 (IMAP).',
      configuration: {
        credentials: { smtpPort: 465, smtpSecurity: 'tls', imapPort: 993, imapSecurity: 'tls' },
      },
    },
  ],
});
