import { aiActions } from '../../ai-common/ai-actions.ts';
import { anthropicProviderOf } from '../auth.ts';

export const anthropicActions = aiActions(
  {
    provider: anthropicProviderOf,
    defaultModel: 'claude-haiku-4-5',
    modelPlaceholder: 'claude-sonnet-4-5, claude-haiku-4-5',
  },
  'claude-haiku-4-5-20251001',
);
