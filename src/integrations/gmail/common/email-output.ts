import type { ParsedEmail } from './parse-message.ts';

export const emailOutput = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    threadId: { type: 'string' },
    labelIds: { type: 'array', items: { type: 'string' } },
    from: { type: 'string' },
    to: { type: 'string' },
    cc: { type: 'string' },
    subject: { type: 'string' },
    date: { type: ['string', 'null'], format: 'date-time' },
    snippet: { type: 'string' },
    bodyText: { type: 'string' },
    bodyHtml: { type: 'string' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          filename: { type: 'string' },
          mimeType: { type: 'string' },
          size: { type: 'integer' },
          attachmentId: { type: ['string', 'null'] },
        },
        required: ['filename', 'mimeType', 'size', 'attachmentId'],
      },
    },
  },
  required: [
    'id',
    'threadId',
    'labelIds',
    'from',
    'to',
    'cc',
    'subject',
    'date',
    'snippet',
    'bodyText',
    'bodyHtml',
    'attachments',
  ],
};

export const emailSample: ParsedEmail = {
  id: '18c2f4a9d3b7e0f1',
  threadId: '18c2f4a9d3b7e0f1',
  labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'],
  from: 'Ada Lovelace <ada@example.com>',
  to: 'me@example.com',
  cc: '',
  subject: 'Invoice 2026-114',
  date: '2026-11-23T08:15:02.000Z',
  snippet: 'Hello, please find attached the invoice for November.',
  bodyText: 'Hello,\r\n\r\nplease find attached the invoice for November.\r\n\r\nAda\r\n',
  bodyHtml: '<div>Hello,<br><br>please find attached the invoice for November.<br><br>Ada</div>',
  attachments: [
    { filename: 'invoice-2026-114.pdf', mimeType: 'application/pdf', size: 48213, attachmentId: 'ANGjdJ8x' },
  ],
};
