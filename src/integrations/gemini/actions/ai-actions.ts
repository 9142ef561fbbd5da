import { aiActions } from '../../ai-common/ai-actions.ts';
import { geminiProviderOf } from '../auth.ts';

export const geminiActions = aiActions(
  {
    provider: geminiProviderOf,
    defaultModel: 'gemini-2.5-flash',
    modelPlaceholder: 'gemini-2.5-flash, gemini-2.5-pro',
  },
  'gemini-2.5-flash',
);
