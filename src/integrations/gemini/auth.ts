import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import type { ChatProvider, ProviderContext } from '../ai-common/chat-provider.ts';
import { createApiClient } from '../api-client/api-client.ts';
import { createGeminiProvider, GEMINI_BASE_URL } from './common/gemini-provider.ts';

export interface GeminiCredentials {
  apiKey: string;
  baseUrl?: string;
  defaultModel?: string;
}

export const geminiAuth: ServiceAuth = {
  type: 'api_key',
  props: {
    apiKey: prop.secret({
      displayName: 'API key',
      required: true,
      description: 'From Google AI Studio (aistudio.google.com > Get API key).',
      placeholder: 'AIzaSy...',
    }),
    defaultModel: prop.text({
      displayName: 'Default model',
      description: 'Used by nodes that name no model.',
      placeholder: 'gemini-2.5-flash',
    }),
    baseUrl: prop.url({
      displayName: 'Base URL',
      description: 'Only for a proxy or gateway in front of the API.',
      default: GEMINI_BASE_URL,
      placeholder: GEMINI_BASE_URL,
    }),
  },
  async test(ctx) {
    const auth = (ctx.auth ?? {}) as GeminiCredentials;
    await createApiClient({
      service: 'Gemini',
      http: ctx.http,
      signal: ctx.signal,
      baseUrl: auth.baseUrl || GEMINI_BASE_URL,
      headers: () => ({ 'x-goog-api-key': auth.apiKey }),
    }).json({ path: '/v1beta/models', query: { pageSize: 1 } });
  },
};

export function geminiProviderOf(ctx: ProviderContext): ChatProvider {
  const auth = (ctx.auth ?? {}) as GeminiCredentials;
  if (!auth.apiKey) throw new Error('The Gemini connection has no API key');
  const configured = ctx.connection?.config['baseUrl'];
  return createGeminiProvider({
    http: ctx.http,
    signal: ctx.signal,
    apiKey: auth.apiKey,
    baseUrl: typeof configured === 'string' && configured ? configured : auth.baseUrl,
  });
}
