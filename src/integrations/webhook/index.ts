import { defineService } from '../../catalog/define.ts';
import { catchHookTrigger } from './triggers/catch-hook.ts';

export const webhookService = defineService({
  key: 'webhook',
  name: 'Webhook',
  description: 'Start workflows from any HTTP request sent to a secret per-workflow URL.',
  icon: 'webhook',
  category: 'core',
  auth: { type: 'none' },
  triggers: [catchHookTrigger],
  actions: [],
  templates: [
    {
      name: 'Signed webhook',
      description: 'Accept POST requests signed with HMAC-SHA256 in X-Signature-256.',
      configuration: { component: 'catch_hook', props: { methods: ['POST'], hmacHeader: 'x-signature-256' } },
      setupGuide: 'Store the shared secret as a secret and set HMAC secret to {{ secrets.NAME }}.',
    },
  ],
});
