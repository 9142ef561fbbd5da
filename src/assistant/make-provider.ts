import { anthropicProvider } from './anthropic-provider.ts';
import type { ChatProvider } from './chat-provider.ts';
import { openAiProvider } from './openai-provider.ts';

export type ProviderKind = 'openai' | 'anthropic' | 'gemini';

export interface ProviderSettings {
  kind: ProviderKind;
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  model?: string | undefined;
  embeddingModel?: string | undefined;
}

const DEFAULTS: Record<ProviderKind, { baseUrl: string; model: string }> = {
  openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4.1-mini' },
  anthropic: { baseUrl: 'https://api.anthropic.com', model: 'claude-sonnet-4-5' },
  // Gemini answers OpenAI's chat completions on this endpoint.
  gemini: { baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai', model: 'gemini-2.5-flash' },
};

export function makeProvider(settings: ProviderSettings): ChatProvider {
  const defaults = DEFAULTS[settings.kind];
  const baseUrl = settings.baseUrl ?? defaults.baseUrl;
  const model = settings.model ?? defaults.model;
  if (settings.kind === 'anthropic') return anthropicProvider({ baseUrl, apiKey: settings.apiKey, model });
  return openAiProvider({
    kind: settings.kind,
    baseUrl,
    apiKey: settings.apiKey,
    model,
    embeddingModel: settings.embeddingModel,
  });
}
