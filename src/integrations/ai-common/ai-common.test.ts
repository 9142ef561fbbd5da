import { describe, expect, it } from 'vitest';
import { testFetch } from '../testing/component-context.ts';
import { objectRootSchema, parseJsonAnswer } from './json-answer.ts';
import { matchLabel } from './match-label.ts';
import { CHAT_SERVICE_KEYS, providerForConnection } from './provider-for-connection.ts';

describe('matchLabel', () => {
  const labels = ['billing', 'billing issue', 'Support', 'Café'];
  it('matches exactly, blind to case, accents and punctuation', () => {
    expect(matchLabel('Support.', labels)).toBe('Support');
    expect(matchLabel('"cafe"', labels)).toBe('Café');
    expect(matchLabel('Label: billing', labels)).toBe('billing');
  });
  it('takes the one label mentioned, the longest when one contains the others', () => {
    expect(matchLabel('I would say support, clearly', labels)).toBe('Support');
    expect(matchLabel('This is a billing issue', labels)).toBe('billing issue');
  });
  it('gives up when the answer names none or several unrelated labels', () => {
    expect(matchLabel('no idea', labels)).toBeUndefined();
    expect(matchLabel('support or billing', labels)).toBeUndefined();
    expect(matchLabel('', labels)).toBeUndefined();
  });
});

describe('JSON answers', () => {
  it('parses plain, fenced and embedded JSON', () => {
    expect(parseJsonAnswer('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('Here:\n```json\n[1,2]\n```')).toEqual({ ok: true, value: [1, 2] });
    expect(parseJsonAnswer('Sure! {"a": {"b": 2}} Hope it helps')).toEqual({
      ok: true,
      value: { a: { b: 2 } },
    });
    expect(parseJsonAnswer('nothing here')).toEqual({ ok: false });
  });
  it('wraps non-object schemas and unwraps answers', () => {
    const wrapped = objectRootSchema({ type: 'string' });
    expect(wrapped.schema).toEqual({
      type: 'object',
      properties: { value: { type: 'string' } },
      required: ['value'],
      additionalProperties: false,
    });
    expect(wrapped.unwrap({ value: 'x' })).toBe('x');
    const plain = objectRootSchema({ type: 'object', properties: {} });
    expect(plain.unwrap({ a: 1 })).toEqual({ a: 1 });
  });
});

describe('providerForConnection', () => {
  it('builds the provider of each AI service from its credentials, and nothing for others', () => {
    const base = { http: testFetch(), signal: new AbortController().signal };
    expect(
      providerForConnection('openai', { ...base, auth: { baseUrl: 'http://127.0.0.1:11434/v1' } })?.name,
    ).toBe('OpenAI');
    expect(providerForConnection('anthropic', { ...base, auth: { apiKey: 'k' } })?.name).toBe('Anthropic');
    expect(providerForConnection('gemini', { ...base, auth: { apiKey: 'k' } })?.stream).toBeTypeOf(
      'function',
    );
    expect(providerForConnection('slack', { ...base, auth: {} })).toBeUndefined();
    expect(CHAT_SERVICE_KEYS).toEqual(['openai', 'anthropic', 'gemini']);
  });
});
