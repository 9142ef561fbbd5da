import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import type { EmailCredentials } from '../auth.ts';
import { smtpTransport } from '../smtp.ts';

export const sendEmailAction = defineAction({
  key: 'send',
  name: 'Send an email',
  description: 'Sends an email through the connection’s SMTP server.',
  props: {
    to: prop.text({ displayName: 'To', required: true, placeholder: 'ada@example.com, bob@example.com' }),
    cc: prop.text({ displayName: 'Cc' }),
    bcc: prop.text({ displayName: 'Bcc' }),
    subject: prop.text({ displayName: 'Subject', required: true, maxLength: 998 }),
    text: prop.longText({ displayName: 'Text body' }),
    html: prop.longText({ displayName: 'HTML body' }),
    replyTo: prop.email({ displayName: 'Reply to' }),
    from: prop.text({ displayName: 'From', description: 'Defaults to the connection’s address.' }),
  },
  output: {
    type: 'object',
    properties: {
      messageId: { type: 'string' },
      accepted: { type: 'array', items: { type: 'string' } },
      rejected: { type: 'array', items: { type: 'string' } },
      response: { type: 'string' },
    },
    required: ['messageId', 'accepted', 'rejected'],
  },
  sampleOutput: {
    messageId: '<0c1f1b5e@example.com>',
    accepted: ['ada@example.com'],
    rejected: [],
    response: '250 OK: queued',
  },
  async run(ctx) {
    const credentials = ctx.auth as EmailCredentials;
    if (!ctx.props.text && !ctx.props.html) throw new Error('text: give a text or an HTML body');
    const transport = await smtpTransport(credentials);
    try {
      const info = await transport.sendMail({
        from: ctx.props.from || credentials.fromAddress || credentials.username,
        to: ctx.props.to,
        ...(ctx.props.cc ? { cc: ctx.props.cc } : {}),
        ...(ctx.props.bcc ? { bcc: ctx.props.bcc } : {}),
        ...(ctx.props.replyTo ? { replyTo: ctx.props.replyTo } : {}),
        subject: ctx.props.subject,
        ...(ctx.props.text ? { text: ctx.props.text } : {}),
        ...(ctx.props.html ? { html: ctx.props.html } : {}),
      });
      const addresses = (list: unknown) =>
        Array.isArray(list)
          ? list.map((a) => (typeof a === 'string' ? a : String((a as { address: string }).address)))
          : [];
      ctx.log.info('email sent', { messageId: info.messageId, accepted: addresses(info.accepted).length });
      return {
        messageId: info.messageId,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: info.response,
      };
    } finally {
      transport.close();
    }
  },
});
