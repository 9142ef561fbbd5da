import type { BuiltInTemplate } from './built-in-templates.ts';
import { ALERT_TO } from './gallery-placeholders.ts';

/** Shipped templates that start on a webhook or by hand. */
export const eventGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'webhook-to-email',
    category: 'notifications',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'Webhook to email',
      description: 'Emails you whatever is posted to the workflow’s webhook URL.',
      tags: ['webhook', 'email'],
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: { methods: ['POST'] } },
      actions: [
        {
          key: 'notify',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'New webhook delivery',
            text: 'Received at {{ trigger.receivedAt }}:\n\n{{ trigger.body | json }}',
          },
        },
      ],
    },
  },
  {
    slug: 'webhook-forward-http',
    category: 'integration',
    difficulty: 'beginner',
    definition: {
      name: 'Forward a webhook to another API',
      description:
        'Relays each webhook body to another URL as JSON, retrying when the target is briefly down.',
      tags: ['webhook', 'relay'],
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: {} },
      actions: [
        {
          key: 'forward',
          service: 'http',
          component: 'request',
          config: {
            method: 'POST',
            url: 'https://example.com/inbox',
            bodyType: 'json',
            body: '{{ trigger.body }}',
          },
          retry: { maxAttempts: 5, backoff: 'exponential', delayMs: 2000 },
        },
      ],
    },
  },
  {
    slug: 'large-order-alert',
    category: 'notifications',
    difficulty: 'intermediate',
    definition: {
      name: 'Alert on large orders',
      description:
        'Receives orders by webhook and emails you only those above 100, with the amount formatted as currency.',
      tags: ['orders', 'webhook'],
      trigger: { key: 'order', service: 'webhook', component: 'catch_hook', config: { methods: ['POST'] } },
      actions: [
        {
          key: 'large',
          service: 'logic',
          component: 'filter',
          config: {
            conditions: [{ left: '{{ trigger.body.total }}', operator: 'greater_than', right: 100 }],
          },
        },
        {
          key: 'amount',
          service: 'transform',
          component: 'format_number',
          config: { value: '{{ trigger.body.total }}', style: 'currency', currency: 'EUR' },
        },
        {
          key: 'mail',
          service: 'email',
          component: 'send',
          config: {
            to: ALERT_TO,
            subject: 'Large order: {{ steps.amount.formatted }}',
            text: 'Order {{ trigger.body.id }} totals {{ steps.amount.formatted }}.',
          },
        },
      ],
    },
  },
  {
    slug: 'webhook-if-else-routing',
    category: 'integration',
    difficulty: 'advanced',
    definition: {
      name: 'Route webhooks by type',
      description: 'Sends "urgent" deliveries to one API and all the others to another.',
      tags: ['webhook', 'routing'],
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: {} },
      nodes: [
        {
          key: 'is_urgent',
          type: 'condition',
          service: 'logic',
          component: 'condition',
          config: {
            conditions: [{ left: '{{ trigger.body.priority }}', operator: 'equals', right: 'urgent' }],
          },
        },
        {
          key: 'urgent',
          service: 'http',
          component: 'request',
          config: { method: 'POST', url: 'https://example.com/urgent', body: '{{ trigger.body }}' },
        },
        {
          key: 'normal',
          service: 'http',
          component: 'request',
          config: { method: 'POST', url: 'https://example.com/queue', body: '{{ trigger.body }}' },
        },
      ],
      edges: [
        { from: 'hook', to: 'is_urgent' },
        { from: 'is_urgent', to: 'urgent', when: 'true' },
        { from: 'is_urgent', to: 'normal', when: 'false' },
      ],
    },
  },
  {
    slug: 'manual-api-call',
    category: 'productivity',
    difficulty: 'beginner',
    definition: {
      name: 'Call an API by hand',
      description: 'A button that calls an API with the input you give when you run it.',
      tags: ['manual'],
      trigger: { key: 'run', service: 'manual', component: 'run', config: { defaults: { query: 'status' } } },
      actions: [
        {
          key: 'call',
          service: 'http',
          component: 'request',
          config: {
            method: 'GET',
            url: 'https://example.com/api/search',
            query: { q: '{{ trigger.input.query }}' },
          },
        },
      ],
    },
  },
  {
    slug: 'delayed-follow-up-email',
    category: 'productivity',
    difficulty: 'intermediate',
    definition: {
      name: 'Follow-up email a day after sign-up',
      description: 'When your app reports a sign-up by webhook, waits one day and sends a follow-up email.',
      tags: ['onboarding', 'email'],
      trigger: { key: 'signup', service: 'webhook', component: 'catch_hook', config: { methods: ['POST'] } },
      actions: [
        {
          key: 'wait',
          service: 'logic',
          component: 'delay',
          config: { mode: 'for', amount: 1, unit: 'days' },
        },
        {
          key: 'follow_up',
          service: 'email',
          component: 'send',
          config: {
            to: '{{ trigger.body.email }}',
            subject: 'How is it going?',
            text: 'Hello {{ trigger.body.name }}, reply to this email if you need a hand.',
          },
        },
      ],
    },
  },
  {
    slug: 'webhook-reshape-forward',
    category: 'integration',
    difficulty: 'intermediate',
    definition: {
      name: 'Reshape a webhook and forward it',
      description: 'Renames fields of an incoming payload to what another API expects, then posts it there.',
      tags: ['webhook', 'transform'],
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: {} },
      actions: [
        {
          key: 'renamed',
          service: 'transform',
          component: 'rename',
          config: { source: '{{ trigger.body }}', mapping: { full_name: 'name', mail: 'email' } },
        },
        {
          key: 'post',
          service: 'http',
          component: 'request',
          config: { method: 'POST', url: 'https://example.com/contacts', body: '{{ steps.renamed.data }}' },
        },
      ],
    },
  },
  {
    slug: 'manual-send-email',
    category: 'productivity',
    difficulty: 'beginner',
    definition: {
      name: 'Send an email by hand',
      description: 'Sends an email to the address and text you give when you run it.',
      tags: ['email', 'manual'],
      trigger: {
        key: 'run',
        service: 'manual',
        component: 'run',
        config: { defaults: { to: ALERT_TO, subject: 'Hello', text: 'Sent from Area.' } },
      },
      actions: [
        {
          key: 'send',
          service: 'email',
          component: 'send',
          config: {
            to: '{{ trigger.input.to }}',
            subject: '{{ trigger.input.subject }}',
            text: '{{ trigger.input.text }}',
          },
        },
      ],
    },
  },
];
