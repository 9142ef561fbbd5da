import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { providerFromSettings } from './resolve-provider.ts';

describe('assistant settings', () => {
  it('default to no model, three repair rounds and 1000 tokens per credit', () => {
    const config = loadConfig({});
    expect(config.assistant).toMatchObject({ provider: undefined, repairRounds: 3, tokensPerCredit: 1000 });
    expect(providerFromSettings(config.assistant)).toBeUndefined();
  });

  it('build the named provider with its defaults', () => {
    const gemini = providerFromSettings(
      loadConfig({ ASSISTANT_PROVIDER: 'gemini', ASSISTANT_API_KEY: 'k' }).assistant,
    );
    expect(gemini).toMatchObject({ kind: 'gemini', model: 'gemini-2.5-flash' });
    const ollama = providerFromSettings(
      loadConfig({
        ASSISTANT_PROVIDER: 'openai',
        ASSISTANT_BASE_URL: 'http://localhost:11434/v1',
        ASSISTANT_MODEL: 'llama3.1',
      }).assistant,
    );
    expect(ollama).toMatchObject({ kind: 'openai', model: 'llama3.1' });
    expect(ollama?.embed).toBeUndefined();
  });

  it('name the variable that is wrong', () => {
    expect(() => loadConfig({ ASSISTANT_PROVIDER: 'cohere' })).toThrow(ConfigError);
    expect(() => loadConfig({ ASSISTANT_PROVIDER: 'cohere' })).toThrow(/ASSISTANT_PROVIDER/);
    expect(() => loadConfig({ ASSISTANT_REPAIR_ROUNDS: '99' })).toThrow(/ASSISTANT_REPAIR_ROUNDS/);
    expect(() => loadConfig({ ASSISTANT_BASE_URL: 'not a url' })).toThrow(/ASSISTANT_BASE_URL/);
  });
});
