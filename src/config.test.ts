import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from './config.ts';

describe('config', () => {
  it('has defaults for a zero-setup start', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a URL/],
    ['PUBLIC_URL', 'not a url', /PUBLIC_URL must be a URL/],
    ['AREA_ENCRYPTION_KEY', 'short', /AREA_ENCRYPTION_KEY must be 32 bytes/],
    ['AREA_JWT_SECRET', 'short', /AREA_JWT_SECRET must be at least 32 characters/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY must be true or false/],
    ['WORKER_CONCURRENCY', '0', /WORKER_CONCURRENCY must be an integer/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  it('never echoes a key or a database password', () => {
    expect(() => loadConfig({ AREA_ENCRYPTION_KEY: 'secret-value' })).toThrow(/got "\*\*\*"/);
    expect(redactUrl('postgres://area:hunter2@db:5432/area')).toBe('postgres://area:***@db:5432/area');
  });

  it('accepts hex and base64 encryption keys', () => {
    expect(loadConfig({ AREA_ENCRYPTION_KEY: 'ab'.repeat(32) }).encryptionKey).toBe('ab'.repeat(32));
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ AREA_ENCRYPTION_KEY: b64 }).encryptionKey).toBe(b64);
  });
});
