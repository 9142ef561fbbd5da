import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';

/**
 * Counts API key uses in memory and writes them in one statement per flush, so a request
 * authenticated by a key costs no extra write. A crash loses at most one interval of counts.
 */
export class ApiKeyUsage {
  readonly #db: Kysely<DB>;
  readonly #log: Logger | undefined;
  readonly #intervalMs: number;
  #pending = new Map<string, { count: number; lastUsedAt: Date }>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Kysely<DB>, options: { intervalMs?: number; log?: Logger } = {}) {
    this.#db = db;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? 2000;
  }

  /** Notes one use; cheap and synchronous. */
  note(apiKeyId: string): void {
    const entry = this.#pending.get(apiKeyId);
    if (entry) {
      entry.count += 1;
      entry.lastUsedAt = new Date();
    } else {
      this.#pending.set(apiKeyId, { count: 1, lastUsedAt: new Date() });
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Writes what was noted so far. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Stops the timer and writes the rest. */
  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const rows = [...batch].map(
      ([id, u]) => sql`(${id}::uuid, ${u.count}::integer, ${u.lastUsedAt.toISOString()}::timestamptz)`,
    );
    try {
      await sql`
        UPDATE api_keys AS k
        SET usage_count = k.usage_count + u.n,
            last_used_at = GREATEST(COALESCE(k.last_used_at, u.at), u.at)
        FROM (VALUES ${sql.join(rows)}) AS u(id, n, at)
        WHERE k.id = u.id`.execute(this.#db);
    } catch (error) {
      this.#log?.warn({ err: error, keys: batch.size }, 'could not record API key usage');
    }
  }
}

// One tracker per database, so every route's requireAuth counts uses without being told about it.
const trackers = new WeakMap<Kysely<DB>, ApiKeyUsage>();

export function registerApiKeyUsage(db: Kysely<DB>, usage: ApiKeyUsage): void {
  trackers.set(db, usage);
}

export function apiKeyUsageOf(db: Kysely<DB>): ApiKeyUsage | undefined {
  return trackers.get(db);
}
