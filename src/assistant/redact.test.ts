import { describe, expect, it } from 'vitest';
import { redact } from './redact.ts';

describe('redact', () => {
  it('hides values under secret-looking keys and credential-shaped strings', () => {
    const out = redact({
      channel: '#general',
      headers: { Authorization: 'Bearer abc.def.ghi-123456', 'x-api-key': 'k' },
      password: 'hunter2',
      note: 'token is sk-live_0123456789abcdefXYZ and header Bearer abcdefghijklmnop',
      nested: [{ clientSecret: 'shh', ok: true }],
      hasToken: true,
    });
    expect(out).toEqual({
      channel: '#general',
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      password: '[redacted]',
      note: 'token is [redacted] and header Bearer [redacted]',
      nested: [{ clientSecret: '[redacted]', ok: true }],
      hasToken: true,
    });
  });

  it('cuts long strings and deep nesting', () => {
    const long = redact('x'.repeat(5000)) as string;
    expect(long.length).toBeLessThan(2100);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redact(deep))).toContain('[...]');
  });
});
