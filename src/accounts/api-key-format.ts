import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'area_';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new key: `area_` and 40 random base62 characters (about 238 bits). Shown once, stored as a hash. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const bytes = randomBytes(40);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % ALPHABET.length];
  const key = `${API_KEY_PREFIX}${body}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

/** Keys are long random strings, so a plain SHA-256 is enough and keeps each request's check cheap. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX) && token.length > API_KEY_PREFIX.length + 20;
}
