import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import type { ChatProvider, ProviderContext } from '../ai-common/chat-provider.ts';
import { createApiClient } from '../api-client/api-client.ts';
import {
  ANTHROPIC_BASE_URL,
  ANTHROPIC_VERSION,
  createAnthropicProvider,
} from './common/anthropic-provider.ts';

export interface AnthropicCredentials {
  apiKey: string;
  baseUrl?: string;
  defaultModel?: string;
}

export const anthropicAuth: ServiceAuth = {
  type: 'api_key',
  props: {
    apiKey: prop.secret({
      displayName: 'API key',
      required: true,
      description: 'From console.anthropic.com > API keys.',
      placeholder: 'sk-ant-api03-...',
    }),
    defaultModel: prop.text({
      displayName: 'Default model',
      description: 'Used by nodes that name no model.',
      placeholder: 'claude-sonnet-4-5',
    }),
    baseUrl: prop.url({
      displayName: 'Base URL',
      description: 'Only for a proxy or gateway in front of the API.',
      default: ANTHROPIC_BASE_URL,
      placeholder: ANTHROPIC_BASE_URL,
    }),
  },
  async test(ctx) {
    const auth = (ctx.auth ?? {}) as AnthropicCredentials;
    await createApiClient({
      service: 'Anthropic',
      http: ctx.http,
      signal: ctx.signal,
      baseUrl: auth.baseUrl || ANTHROPIC_BASE_URL,
      headers: () => ({ 'x-api-key': auth.apiKey, 'anthropic-version': ANTHROPIC_VERSION }),
    }).json({ path: '/v1/models', query: { limit: 1 } });
  },
};

export function anthropicProviderOf(ctx: ProviderContext): ChatProvider {
  const auth = (ctx.auth ?? {}) as AnthropicCredentials;
  if (!auth.apiKey) throw new Error('The Anthropic connection has no API key');
  const configured = ctx.connection?.config['baseUrl'];
  return createAnthropicProvider({
    http: ctx.http,
    signal: ctx.signal,
    apiKey: auth.apiKey,
    baseUrl: typeof configured === 'string' && configured ? configured : auth.baseUrl,
  });
}
