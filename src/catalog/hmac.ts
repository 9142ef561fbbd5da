import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Hex HMAC of a payload, as most providers sign webhooks. */
export function hmacHex(algorithm: HmacAlgorithm, secret: string, payload: Buffer | string): string {
  return createHmac(algorithm, secret).update(payload).digest('hex');
}

/**
 * Checks a signature header against the HMAC of the raw body, in constant time. Accepts the bare hex
 * digest or a `sha256=<hex>` style prefix.
 */
export function verifyHmac(options: {
  algorithm: HmacAlgorithm;
  secret: string;
  payload: Buffer | string;
  signature: string | undefined;
}): boolean {
  if (!options.signature) return false;
  const given = options.signature.includes('=') ? options.signature.split('=').pop()! : options.signature;
  const expected = hmacHex(options.algorithm, options.secret, options.payload);
  const a = Buffer.from(given.trim().toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
