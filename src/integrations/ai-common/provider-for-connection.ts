import { anthropicProviderOf } from '../anthropic/auth.ts';
import { geminiProviderOf } from '../gemini/auth.ts';
import { openAiProviderOf } from '../openai/auth.ts';
import type { ChatProvider, ProviderContext } from './chat-provider.ts';

const FACTORIES: Record<string, (ctx: ProviderContext) => ChatProvider> = {
  openai: openAiProviderOf,
  anthropic: anthropicProviderOf,
  gemini: geminiProviderOf,
};

/** The services whose connections can back a chat (the assistant's model picker). */
export const CHAT_SERVICE_KEYS: readonly string[] = Object.keys(FACTORIES);

/**
 * The chat provider of a connection of one of the AI services, from its decrypted credentials
 * (e.g. `loadConnectionForRun`'s `auth` and `connection`); undefined for any other service.
 */
export function providerForConnection(serviceKey: string, ctx: ProviderContext): ChatProvider | undefined {
  return FACTORIES[serviceKey]?.(ctx);
}
