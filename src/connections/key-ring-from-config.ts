import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { loadOrCreateKeyFile } from '../lib/key-file.ts';
import { type Key, KeyRing, parseKey } from './crypto.ts';

export const KEY_FILE = 'encryption.key';
/** Older keys, one per line, kept readable after `area keys rotate` replaced the key file. */
export const PREVIOUS_KEYS_FILE = 'encryption.key.previous';

export function keysDir(config: Config): string {
  return path.join(config.dataDir, 'keys');
}

export function readPreviousKeyFile(config: Config): string[] {
  try {
    return fs
      .readFileSync(path.join(keysDir(config), PREVIOUS_KEYS_FILE), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * The key ring of this process: the current key (AREA_ENCRYPTION_KEY, or the key file generated in
 * DATA_DIR/keys) and every older key still readable (AREA_ENCRYPTION_KEY_PREVIOUS and the
 * encryption.key.previous file that `area keys rotate` appends to).
 */
export function keyRingFromConfig(config: Config): KeyRing {
  const current = parseKey(config.encryptionKey ?? loadOrCreateKeyFile(config.dataDir, KEY_FILE));
  const older: Key[] = [...config.previousEncryptionKeys, ...readPreviousKeyFile(config)]
    .map(parseKey)
    .filter((k) => k.id !== current.id);
  return new KeyRing(current, older);
}
