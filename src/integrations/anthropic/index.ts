import { defineService } from '../../catalog/define.ts';
import { anthropicActions } from './actions/ai-actions.ts';
import { anthropicAuth } from './auth.ts';

export const anthropicService = defineService({
  key: 'anthropic',
  name: 'Anthropic',
  description: 'Generate, summarize, classify and extract with Claude models.',
  icon: 'anthropic',
  category: 'ai',
  docsUrl: 'https://docs.anthropic.com/en/api/messages',
  auth: anthropicAuth,
  triggers: [],
  actions: anthropicActions,
  templates: [
    {
      name: 'Anthropic API key',
      description: 'A key of the Anthropic console.',
      setupGuide: 'Create a key at console.anthropic.com > Settings > API keys and paste it.',
    },
  ],
});
