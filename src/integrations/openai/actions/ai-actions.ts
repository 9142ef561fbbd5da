import { aiActions } from '../../ai-common/ai-actions.ts';
import { openAiProviderOf } from '../auth.ts';

export const openAiActions = aiActions(
  {
    provider: openAiProviderOf,
    defaultModel: 'gpt-4o-mini',
    modelPlaceholder: 'gpt-4o-mini, openai/gpt-4o-mini (OpenRouter), llama3.1 (Ollama)',
  },
  'gpt-4o-mini-2024-07-18',
);
