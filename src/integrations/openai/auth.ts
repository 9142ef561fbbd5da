import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import type { ChatProvider, ProviderContext } from '../ai-common/chat-provider.ts';
import { createApiClient } from '../api-client/api-client.ts';
import { createOpenAiProvider, OPENAI_BASE_URL, type StructuredOutput } from './common/openai-provider.ts';

/** The stored credentials of an OpenAI-compatible connection. */
export interface OpenAiCredentials {
  baseUrl?: string;
  apiKey?: string;
  defaultModel?: string;
  structuredOutput?: StructuredOutput;
}

export const openAiAuth: ServiceAuth = {
  type: 'api_key',
  props: {
    baseUrl: prop.url({
      displayName: 'Base URL',
      description:
        'OpenAI: https://api.openai.com/v1 - OpenRouter: https://openrouter.ai/api/v1 - Ollama: http://localhost:11434/v1 - vLLM: http://host:8000/v1',
      default: OPENAI_BASE_URL,
      placeholder: OPENAI_BASE_URL,
    }),
    apiKey: prop.secret({
      displayName: 'API key',
      description: 'Sent as a bearer token. Local servers such as Ollama need none.',
      placeholder: 'sk-...',
    }),
    defaultModel: prop.text({
      displayName: 'Default model',
      description: 'Used by nodes that name no model.',
      placeholder: 'gpt-4o-mini, openai/gpt-4o-mini, llama3.1',
    }),
    structuredOutput: prop.select({
      displayName: 'JSON output',
      description:
        'How the server accepts a JSON Schema for "Extract data"; every answer is checked against the schema anyway.',
      default: 'json_schema',
      options: [
        { label: 'JSON Schema (response_format json_schema)', value: 'json_schema' },
        { label: 'JSON mode only (json_object)', value: 'json_object' },
        { label: 'None (schema in the prompt)', value: 'none' },
      ],
    }),
  },
  async test(ctx) {
    const auth = (ctx.auth ?? {}) as OpenAiCredentials;
    const api = createApiClient({
      service: 'OpenAI-compatible server',
      http: ctx.http,
      signal: ctx.signal,
      baseUrl: auth.baseUrl || OPENAI_BASE_URL,
      headers: (): Record<string, string> => (auth.apiKey ? { authorization: `Bearer ${auth.apiKey}` } : {}),
    });
    await api.json({ path: '/models' });
  },
};

export function openAiProviderOf(ctx: ProviderContext): ChatProvider {
  const auth = (ctx.auth ?? {}) as OpenAiCredentials;
  const configured = ctx.connection?.config['baseUrl'];
  return createOpenAiProvider({
    http: ctx.http,
    signal: ctx.signal,
    baseUrl: typeof configured === 'string' && configured ? configured : auth.baseUrl,
    apiKey: auth.apiKey,
    structuredOutput: auth.structuredOutput,
  });
}
