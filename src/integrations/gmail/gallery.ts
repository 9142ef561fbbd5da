import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

const NOTION_DB = 'https://www.notion.so/acme/0123456789abcdef0123456789abcdef';
const SHEET = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

/** Gallery workflows that start from Gmail. */
export const gmailGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'gmail-to-notion',
    category: 'productivity',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'Save starred emails to Notion',
      description: 'Each email you star becomes an item of a Notion database, with the email as its content.',
      tags: ['gmail', 'notion'],
      trigger: { key: 'email', service: 'gmail', component: 'new_email', config: { query: 'is:starred' } },
      actions: [
        {
          key: 'save',
          service: 'notion',
          component: 'create_page',
          config: {
            databaseId: NOTION_DB,
            title: '{{ trigger.subject }}',
            content: 'From: {{ trigger.from }}\nDate: {{ trigger.date }}\n\n{{ trigger.bodyText }}',
          },
        },
      ],
    },
  },
  {
    slug: 'gmail-ai-summary-to-telegram',
    category: 'notifications',
    difficulty: 'intermediate',
    featured: true,
    definition: {
      name: 'Important emails summarized on Telegram',
      description:
        'Summarizes each important email in two sentences with an OpenAI-compatible model and sends it to you on Telegram.',
      tags: ['gmail', 'ai', 'telegram'],
      trigger: {
        key: 'email',
        service: 'gmail',
        component: 'new_email',
        config: { query: 'is:important is:unread' },
      },
      actions: [
        {
          key: 'summarize',
          service: 'openai',
          component: 'summarize',
          config: {
            text: 'Subject: {{ trigger.subject }}\n\n{{ trigger.bodyText }}',
            style: 'tldr',
            maxWords: 60,
          },
        },
        {
          key: 'notify',
          service: 'telegram',
          component: 'send_message',
          config: {
            chatId: '123456789',
            text: '✉️ {{ trigger.from }}: {{ trigger.subject }}\n\n{{ steps.summarize.summary }}',
          },
        },
      ],
    },
  },
  {
    slug: 'gmail-classify-to-sheets',
    category: 'reporting',
    difficulty: 'intermediate',
    definition: {
      name: 'Sort support emails into a sheet',
      description:
        'Classifies each email to support@ with Gemini (billing, bug, question, other) and logs it as a row of a Google Sheet.',
      tags: ['gmail', 'ai', 'google-sheets'],
      trigger: {
        key: 'email',
        service: 'gmail',
        component: 'new_email',
        config: { query: 'to:support@example.com' },
      },
      actions: [
        {
          key: 'classify',
          service: 'gemini',
          component: 'classify',
          config: {
            text: '{{ trigger.subject }}\n\n{{ trigger.bodyText }}',
            labels: ['billing', 'bug', 'question', 'other'],
            fallbackLabel: 'other',
          },
        },
        {
          key: 'log',
          service: 'google-sheets',
          component: 'append_row',
          config: {
            spreadsheetId: SHEET,
            sheetName: 'Support',
            values: [
              '{{ trigger.date }}',
              '{{ trigger.from }}',
              '{{ trigger.subject }}',
              '{{ steps.classify.label }}',
            ],
          },
        },
      ],
    },
  },
  {
    slug: 'gmail-invoice-extract-to-sheets',
    category: 'productivity',
    difficulty: 'advanced',
    definition: {
      name: 'Invoices from email into a sheet',
      description:
        'Reads each email with an invoice attached, extracts number, total and due date as JSON, and appends them to a sheet.',
      tags: ['gmail', 'ai', 'google-sheets'],
      trigger: {
        key: 'email',
        service: 'gmail',
        component: 'new_email',
        config: { query: 'subject:invoice has:attachment' },
      },
      actions: [
        {
          key: 'extract',
          service: 'openai',
          component: 'extract_json',
          config: {
            text: '{{ trigger.subject }}\n\n{{ trigger.bodyText }}',
            schema: {
              type: 'object',
              properties: {
                invoiceNumber: { type: 'string' },
                total: { type: 'number' },
                currency: { type: 'string' },
                dueDate: { type: ['string', 'null'] },
              },
              required: ['invoiceNumber', 'total', 'currency', 'dueDate'],
            },
            instructions: 'Dates as YYYY-MM-DD; currency as an ISO code such as EUR.',
          },
        },
        {
          key: 'append',
          service: 'google-sheets',
          component: 'append_row',
          config: {
            spreadsheetId: SHEET,
            sheetName: 'Invoices',
            values: [
              '{{ trigger.from }}',
              '{{ steps.extract.data.invoiceNumber }}',
              '{{ steps.extract.data.total }}',
              '{{ steps.extract.data.currency }}',
              '{{ steps.extract.data.dueDate }}',
            ],
          },
        },
      ],
    },
  },
];
