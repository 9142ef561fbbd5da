import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { KeyRing, parseKey } from '../connections/crypto.ts';
import {
  KEY_FILE,
  keyRingFromConfig,
  keysDir,
  PREVIOUS_KEYS_FILE,
  readPreviousKeyFile,
} from '../connections/key-ring-from-config.ts';

function writeAtomically(file: string, text: string): void {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, text, { mode: 0o600 });
  fs.renameSync(partial, file);
}

/**
 * `area keys rotate`: re-seals every credential and secret under the current key.
 * With AREA_ENCRYPTION_KEY set, the operator sets the new key there and the old one in
 * AREA_ENCRYPTION_KEY_PREVIOUS first. With the generated key file, a new key is generated: the old one
 * is appended to keys/encryption.key.previous (so it stays readable) before the key file is replaced.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage the encryption key of credentials and secrets');
  keys
    .command('rotate')
    .description('Re-encrypt every connection and secret under a new key (the old key stays readable)')
    .action(async () => {
      // Loaded here, not with the CLI: the other commands do without them.
      const { openDatabase } = await import('../db/connect.ts');
      const { migrateUp } = await import('../db/migrator.ts');
      const { countStale, reencryptAll } = await import('../connections/rotate-keys.ts');
      const cfg = loadConfig(process.env);
      let ring: KeyRing;
      if (cfg.encryptionKey) {
        ring = keyRingFromConfig(cfg);
        if (cfg.previousEncryptionKeys.length === 0) {
          process.stdout.write(
            'AREA_ENCRYPTION_KEY is set and AREA_ENCRYPTION_KEY_PREVIOUS is empty: re-sealing under the current key.\n' +
              'To change the key: put the new key in AREA_ENCRYPTION_KEY and the old one in AREA_ENCRYPTION_KEY_PREVIOUS, then run this again.\n',
          );
        }
      } else {
        const old = keyRingFromConfig(cfg);
        const dir = keysDir(cfg);
        const previous = readPreviousKeyFile(cfg);
        const oldText = fs.readFileSync(path.join(dir, KEY_FILE), 'utf8').trim();
        // The old key is kept readable before the key file changes: a crash in between loses nothing.
        writeAtomically(path.join(dir, PREVIOUS_KEYS_FILE), `${[...previous, oldText].join('\n')}\n`);
        const fresh = parseKey(randomBytes(32).toString('hex'));
        writeAtomically(path.join(dir, KEY_FILE), `${fresh.material.toString('hex')}\n`);
        ring = new KeyRing(fresh, [old.current, ...previous.map(parseKey)]);
        process.stdout.write(
          `New key ${fresh.id} written to ${path.join(dir, KEY_FILE)} (old key ${old.current.id} kept in ${PREVIOUS_KEYS_FILE}).\n`,
        );
      }
      const database = await openDatabase({
        databaseUrl: cfg.databaseUrl,
        dataDir: cfg.dataDir,
        poolSize: 2,
      });
      try {
        await migrateUp(database.db);
        const result = await reencryptAll(database.db, ring);
        const left = await countStale(database.db, ring);
        process.stdout.write(
          `Re-encrypted ${result.connections} connection(s) and ${result.secrets} secret(s) under key ${ring.current.id}.` +
            (left === 0
              ? ' Nothing uses an older key any more.\n'
              : ` ${left} value(s) still use an older key (changed meanwhile?): run again.\n`),
        );
      } finally {
        await database.close();
      }
    });
}
