import type { Kysely } from 'kysely';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { AssistantConfig } from '../config.ts';
import { ConnectionUnavailableError, loadConnectionForRun } from '../connections/connection-access.ts';
import type { KeyRing } from '../connections/crypto.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { ChatProvider } from './chat-provider.ts';
import { makeProvider, type ProviderKind } from './make-provider.ts';

/** The admin's model from the settings, when one is configured. */
export function providerFromSettings(config: AssistantConfig): ChatProvider | undefined {
  if (!config.provider) return undefined;
  return makeProvider({
    kind: config.provider,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    model: config.model,
    embeddingModel: config.embeddingModel,
  });
}

/** Services whose connections can drive the assistant, and the wire protocol they speak. */
const AI_SERVICES: Record<string, ProviderKind> = {
  openai: 'openai',
  openrouter: 'openai',
  ollama: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
};

function text(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * A model reached with the user's own AI connection, opened by the connections code (owner checked,
 * expired or turned-off connections refused). The credentials go to the provider's HTTP client and
 * nowhere else: not to the model, not to the answer, not to the logs.
 */
export async function providerFromConnection(
  deps: { db: Kysely<DB>; keys: KeyRing; catalog: Catalog },
  userId: string,
  connectionId: string,
  model?: string,
): Promise<ChatProvider> {
  const service = await deps.db
    .selectFrom('connections')
    .innerJoin('services', 'services.id', 'connections.service_id')
    .select('services.key')
    .where('connections.id', '=', connectionId)
    .where('connections.user_id', '=', userId)
    .where('connections.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!service) throw AppError.notFound('Connection');
  const kind = AI_SERVICES[service.key];
  if (!kind) {
    throw AppError.invalid([
      {
        path: 'connectionId',
        rule: 'ai_connection',
        message: `a "${service.key}" connection cannot run the assistant`,
      },
    ]);
  }
  let opened: Awaited<ReturnType<typeof loadConnectionForRun>>;
  try {
    opened = await loadConnectionForRun(
      {
        db: deps.db,
        keys: deps.keys,
        catalog: deps.catalog,
        http: createLimitedFetch({ timeoutMs: 30_000, maxBytes: 1_000_000 }),
      },
      { connectionId, userId },
    );
  } catch (error) {
    if (error instanceof ConnectionUnavailableError) {
      throw new AppError('conflict', error.message, {
        details: { path: 'connectionId', rule: 'connection_unavailable' },
      });
    }
    throw error;
  }
  const credentials = (opened.auth ?? {}) as Record<string, unknown>;
  const config = opened.connection.config;
  let baseUrl = text(config, 'baseUrl', 'base_url') ?? text(credentials, 'baseUrl', 'base_url');
  // A Gemini connection stores the native API base; its OpenAI-compatible endpoint lives under /openai.
  if (kind === 'gemini' && baseUrl && !/\/openai\/?$/.test(baseUrl))
    baseUrl = `${baseUrl.replace(/\/+$/, '')}/openai`;
  return makeProvider({
    kind,
    apiKey: text(credentials, 'apiKey', 'api_key', 'token', 'accessToken'),
    baseUrl,
    model: model ?? text(config, 'model', 'defaultModel') ?? text(credentials, 'defaultModel', 'model'),
  });
}
