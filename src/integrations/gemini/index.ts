import { defineService } from '../../catalog/define.ts';
import { geminiActions } from './actions/ai-actions.ts';
import { geminiAuth } from './auth.ts';

export const geminiService = defineService({
  key: 'gemini',
  name: 'Gemini',
  description: "Generate, summarize, classify and extract with Google's Gemini models.",
  icon: 'gemini',
  category: 'ai',
  docsUrl: 'https://ai.google.dev/api/generate-content',
  auth: geminiAuth,
  triggers: [],
  actions: geminiActions,
  templates: [
    {
      name: 'Gemini API key',
      description: 'A key of Google AI Studio.',
      setupGuide: 'Open aistudio.google.com, choose "Get API key", create a key and paste it.',
    },
  ],
});
