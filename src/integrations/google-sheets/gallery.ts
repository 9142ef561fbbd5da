import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from Google Sheets. */
export const googleSheetsGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'sheets-row-to-gmail-confirmation',
    category: 'productivity',
    difficulty: 'beginner',
    definition: {
      name: 'Email each new sign-up from a sheet',
      description:
        'When a row is added to the sign-up sheet (Name, Email columns), sends that person a confirmation from your Gmail.',
      tags: ['google-sheets', 'gmail'],
      trigger: {
        key: 'row',
        service: 'google-sheets',
        component: 'new_row',
        config: {
          spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
          sheetName: 'Sign-ups',
          hasHeader: true,
        },
      },
      actions: [
        {
          key: 'confirm',
          service: 'gmail',
          component: 'send_email',
          config: {
            to: '{{ trigger.row.Email }}',
            subject: 'Welcome, {{ trigger.row.Name }}!',
            body: 'Hello {{ trigger.row.Name }},\n\nthanks for signing up. We will be in touch soon.',
          },
        },
      ],
    },
  },
];
