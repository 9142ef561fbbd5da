import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows built around Claude. */
export const anthropicGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'scheduled-ai-report-email',
    category: 'reporting',
    difficulty: 'intermediate',
    featured: true,
    definition: {
      name: 'Weekly AI report by email',
      description:
        'Every Monday morning, fetches your metrics from a JSON endpoint, has Claude write a short report, and emails it with Gmail.',
      tags: ['ai', 'gmail', 'reporting'],
      trigger: {
        key: 'monday',
        service: 'schedule',
        component: 'daily_at',
        config: { time: '08:00', timezone: 'UTC', weekdays: ['mon'] },
      },
      actions: [
        {
          key: 'metrics',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com/api/metrics/weekly' },
        },
        {
          key: 'report',
          service: 'anthropic',
          component: 'generate_text',
          config: {
            system:
              'You write brief, factual weekly reports for a small team. Plain text, at most 150 words.',
            prompt: 'Write this week’s report from these metrics (JSON):\n{{ steps.metrics.body }}',
          },
        },
        {
          key: 'send',
          service: 'gmail',
          component: 'send_email',
          config: { to: 'team@example.com', subject: 'Weekly report', body: '{{ steps.report.text }}' },
        },
      ],
    },
  },
];
