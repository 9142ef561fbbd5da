import type { BuiltInTemplate } from './built-in-templates.ts';
import { ALERT_TO, isDown, SITE } from './gallery-placeholders.ts';

/** Shipped templates that start on a schedule (checks, polling, reports). */
export const scheduledGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'daily-http-health-check',
    category: 'monitoring',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'Daily health check with an email on failure',
      description: 'Every morning, calls a URL; when it fails or answers an error, emails you the status.',
      tags: ['monitoring'],
      trigger: {
        key: 'daily',
        service: 'schedule',
        component: 'daily_at',
        config: { time: '09:00', timezone: 'UTC' },
      },
      nodes: [
        {
          key: 'check',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: SITE, failOnError: false, timeoutMs: 10000 },
        },
        { key: 'is_down', type: 'condition', service: 'logic', component: 'condition', config: isDown },
        {
          key: 'alert',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'Health check failed: {{ steps.check.url }}',
            text: 'The check at {{ trigger.firedAt }} got status {{ steps.check.status }}.',
          },
        },
      ],
      edges: [
        { from: 'daily', to: 'check' },
        { from: 'check', to: 'is_down' },
        { from: 'is_down', to: 'alert', when: 'true' },
      ],
    },
  },
  {
    slug: 'uptime-monitor-5-minutes',
    category: 'monitoring',
    difficulty: 'intermediate',
    definition: {
      name: 'Uptime monitor every 5 minutes',
      description:
        'Checks a site every five minutes and emails you when it is down, with the error when the call itself failed.',
      tags: ['monitoring', 'uptime'],
      trigger: {
        key: 'every',
        service: 'schedule',
        component: 'interval',
        config: { every: 5, unit: 'minutes' },
      },
      nodes: [
        {
          key: 'check',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: SITE, failOnError: false, timeoutMs: 10000 },
          retry: { maxAttempts: 2, backoff: 'fixed', delayMs: 5000 },
        },
        { key: 'is_down', type: 'condition', service: 'logic', component: 'condition', config: isDown },
        {
          key: 'alert',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: '{{ steps.check.url }} is down',
            text: 'Status {{ steps.check.status }} at {{ trigger.firedAt }}.',
          },
        },
        {
          key: 'unreachable',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'Uptime check could not reach the site',
            text: 'The request failed at {{ trigger.firedAt }}.',
          },
        },
      ],
      edges: [
        { from: 'every', to: 'check' },
        { from: 'check', to: 'is_down' },
        { from: 'is_down', to: 'alert', when: 'true' },
        { from: 'check', to: 'unreachable', when: 'error' },
      ],
    },
  },
  {
    slug: 'json-feed-polling',
    category: 'integration',
    difficulty: 'intermediate',
    featured: true,
    definition: {
      name: 'Poll a JSON feed and email new entries',
      description:
        'Every 15 minutes, reads a JSON feed (RSS-style) and emails its latest entry when the feed is not empty.',
      tags: ['feed', 'polling'],
      trigger: {
        key: 'every',
        service: 'schedule',
        component: 'interval',
        config: { every: 15, unit: 'minutes' },
      },
      actions: [
        {
          key: 'feed',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com/feed.json', responseType: 'json' },
        },
        {
          key: 'has_items',
          service: 'logic',
          component: 'filter',
          config: { conditions: [{ left: '{{ steps.feed.body.items }}', operator: 'is_not_empty' }] },
        },
        {
          key: 'latest',
          service: 'transform',
          component: 'pick',
          config: { source: '{{ steps.feed.body.items[0] }}', fields: ['title', 'url'] },
        },
        {
          key: 'mail',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'New in the feed: {{ steps.latest.data.title }}',
            text: '{{ steps.latest.data.url }}',
          },
        },
      ],
    },
  },
  {
    slug: 'scheduled-report-email',
    category: 'reporting',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'Weekday report by email',
      description: 'At 8:00 on weekdays, fetches a report from an API and emails it with the date.',
      tags: ['report'],
      trigger: {
        key: 'weekdays',
        service: 'schedule',
        component: 'cron',
        config: { expression: '0 8 * * 1-5', timezone: 'UTC' },
      },
      actions: [
        {
          key: 'report',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com/api/report' },
        },
        {
          key: 'day',
          service: 'transform',
          component: 'format_date',
          config: { value: '{{ trigger.firedAt }}', pattern: 'EEEE d MMMM yyyy' },
        },
        {
          key: 'mail',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'Report for {{ steps.day.formatted }}',
            text: '{{ steps.report.body | json }}',
          },
        },
      ],
    },
  },
  {
    slug: 'daily-digest',
    category: 'reporting',
    difficulty: 'intermediate',
    definition: {
      name: 'Daily digest of an API',
      description: 'Every evening, fetches counts from an API, builds a short summary and emails it.',
      tags: ['digest', 'report'],
      trigger: {
        key: 'evening',
        service: 'schedule',
        component: 'daily_at',
        config: { time: '18:00', timezone: 'UTC' },
      },
      actions: [
        {
          key: 'stats',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com/api/stats' },
        },
        {
          key: 'summary',
          service: 'transform',
          component: 'build',
          config: {
            fields: {
              'digest.date': '{{ trigger.firedAt }}',
              'digest.total': '{{ steps.stats.body.total }}',
            },
          },
        },
        {
          key: 'mail',
          service: 'email',
          component: 'send',
          config: { to: ALERT_TO, subject: 'Daily digest', text: '{{ steps.summary.data | json }}' },
        },
      ],
    },
  },
  {
    slug: 'weekly-api-backup',
    category: 'integration',
    difficulty: 'advanced',
    definition: {
      name: 'Weekly copy of an API export',
      description:
        'Every Sunday night, downloads an export from one API and uploads it to another; emails you when it fails.',
      tags: ['backup'],
      trigger: {
        key: 'weekly',
        service: 'schedule',
        component: 'cron',
        config: { expression: '0 2 * * 0', timezone: 'UTC' },
      },
      nodes: [
        {
          key: 'export',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com/api/export', timeoutMs: 120000 },
        },
        {
          key: 'upload',
          service: 'http',
          component: 'request',
          config: {
            method: 'PUT',
            url: 'https://backup.example.com/area/latest.json',
            body: '{{ steps.export.body }}',
          },
        },
        {
          key: 'failed',
          service: 'email',
          component: 'send',
          config: { to: ALERT_TO, subject: 'Weekly backup failed', text: 'Run of {{ trigger.firedAt }}.' },
        },
      ],
      edges: [
        { from: 'weekly', to: 'export' },
        { from: 'export', to: 'upload' },
        { from: 'export', to: 'failed', when: 'error' },
        { from: 'upload', to: 'failed', when: 'error' },
      ],
    },
  },
];
