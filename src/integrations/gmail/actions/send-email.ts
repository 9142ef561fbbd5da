import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { buildRawMessage } from '../common/build-raw-message.ts';
import { gmailClient } from '../common/gmail-client.ts';

interface SentMessage {
  id: string;
  threadId: string;
  labelIds?: string[];
}

export const sendEmailAction = defineAction({
  key: 'send_email',
  name: 'Send email',
  description: 'Sends an email from the connected Gmail account.',
  props: {
    to: prop.text({
      displayName: 'To',
      required: true,
      description: 'One or more addresses, separated by commas.',
      placeholder: 'ada@example.com, Grace <grace@example.com>',
    }),
    cc: prop.text({ displayName: 'Cc', placeholder: 'team@example.com' }),
    bcc: prop.text({ displayName: 'Bcc', placeholder: 'archive@example.com' }),
    subject: prop.text({
      displayName: 'Subject',
      required: true,
      placeholder: 'Weekly report for {{ trigger.date }}',
    }),
    body: prop.longText({
      displayName: 'Body (plain text)',
      placeholder: 'Hello,\n\nhere is the summary: {{ steps.summarize.text }}',
    }),
    html: prop.longText({
      displayName: 'Body (HTML)',
      description: 'Sent beside the plain text when set.',
      placeholder: '<p>Hello,</p><p>{{ steps.summarize.summary }}</p>',
    }),
    from: prop.text({
      displayName: 'From',
      description: 'A send-as alias of the account; empty sends from the account address.',
      placeholder: 'Support <support@example.com>',
    }),
    replyTo: prop.text({ displayName: 'Reply-To', placeholder: 'replies@example.com' }),
    threadId: prop.text({
      displayName: 'Thread id',
      description: 'Sends the email as a reply in this thread (use with In-Reply-To).',
      placeholder: '{{ trigger.threadId }}',
    }),
    inReplyTo: prop.text({
      displayName: 'In-Reply-To (Message-ID)',
      placeholder: '<CAF=abc@mail.gmail.com>',
    }),
  },
  output: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      threadId: { type: 'string' },
      labelIds: { type: 'array', items: { type: 'string' } },
    },
    required: ['id', 'threadId', 'labelIds'],
  },
  sampleOutput: { id: '18c2f5b0a1c9d4e2', threadId: '18c2f5b0a1c9d4e2', labelIds: ['SENT'] },
  async run(ctx) {
    const { props } = ctx;
    const raw = await buildRawMessage({
      from: props.from,
      to: props.to,
      cc: props.cc,
      bcc: props.bcc,
      replyTo: props.replyTo,
      subject: props.subject,
      text: props.body ?? (props.html ? undefined : ''),
      html: props.html,
      inReplyTo: props.inReplyTo,
    });
    const sent = await gmailClient(ctx).json<SentMessage>({
      method: 'POST',
      path: '/gmail/v1/users/me/messages/send',
      json: { raw, ...(props.threadId ? { threadId: props.threadId } : {}) },
    });
    return { id: sent.id, threadId: sent.threadId, labelIds: sent.labelIds ?? [] };
  },
});
