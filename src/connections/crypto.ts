import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption of credentials and secrets at rest: AES-256-GCM.
 * A sealed value reads `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). The key id names the key
 * that sealed it, so a key ring can hold the current key and older ones during a rotation.
 */

export interface Key {
  id: string;
  material: Buffer;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** 64 hex characters or base64 of 32 bytes -> a key whose id is derived from its material. */
export function parseKey(text: string): Key {
  const material = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (material.length !== 32) throw new Error('An encryption key must be 32 bytes');
  const id = createHash('sha256').update(material).digest('base64url').slice(0, 8);
  return { id, material };
}

export class KeyRing {
  readonly current: Key;
  readonly #byId: Map<string, Key>;

  constructor(current: Key, older: Key[] = []) {
    this.current = current;
    this.#byId = new Map([...older, current].map((k) => [k.id, k]));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.material, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new DecryptionError('Not a sealed value');
    const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
    const key = this.#byId.get(keyId);
    if (!key) throw new DecryptionError(`Sealed with key ${keyId}, which is not configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new DecryptionError(`Decryption with key ${keyId} failed: wrong key or tampered data`);
    }
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  openJson<T = unknown>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split(':')[1] !== this.current.id;
  }
}
