import { defineService } from '../../catalog/define.ts';
import { openAiActions } from './actions/ai-actions.ts';
import { openAiAuth } from './auth.ts';

export const openAiService = defineService({
  key: 'openai',
  name: 'OpenAI-compatible',
  description:
    'Generate, summarize, classify and extract with OpenAI or any server speaking its API: OpenRouter, Ollama, vLLM.',
  icon: 'openai',
  category: 'ai',
  docsUrl: 'https://platform.openai.com/docs/api-reference/chat',
  auth: openAiAuth,
  triggers: [],
  actions: openAiActions,
  templates: [
    {
      name: 'OpenAI',
      description: 'The OpenAI API with a project API key.',
      configuration: { baseUrl: 'https://api.openai.com/v1', defaultModel: 'gpt-4o-mini' },
      setupGuide: 'Create a key at platform.openai.com > API keys and paste it.',
    },
    {
      name: 'OpenRouter',
      description: 'Hundreds of models behind one key.',
      configuration: { baseUrl: 'https://openrouter.ai/api/v1', defaultModel: 'openai/gpt-4o-mini' },
      setupGuide:
        'Create a key at openrouter.ai/keys and paste it; model ids look like "anthropic/claude-sonnet-4".',
    },
    {
      name: 'Ollama',
      description: 'Local models on your own machine; no key.',
      configuration: {
        baseUrl: 'http://localhost:11434/v1',
        defaultModel: 'llama3.1',
        structuredOutput: 'json_schema',
      },
      setupGuide:
        'Install Ollama, run `ollama pull llama3.1`, and use the base URL of the machine running it.',
    },
    {
      name: 'vLLM',
      description: 'A self-hosted vLLM server (OpenAI-compatible).',
      configuration: { baseUrl: 'http://localhost:8000/v1' },
      setupGuide:
        'Start `vllm serve <model>`; the default model is the one it serves. Add --api-key and paste it here when set.',
    },
  ],
});
