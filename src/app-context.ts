import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Catalog } from './catalog/registry.ts';
import type { Config } from './config.ts';
import type { KeyRing } from './connections/crypto.ts';
import type { Database, DatabaseKind } from './db/connect.ts';
import type { DB } from './db/types.ts';
import type { Logger } from './lib/logger.ts';

/**
 * The resources one running Area is made of, built once in main.ts and passed down.
 * Nothing here is a module-level singleton: a test builds its own.
 */
export interface AppContext {
  config: Config;
  db: Kysely<DB>;
  dbKind: DatabaseKind;
  database: Database;
  log: Logger;
  metrics: Registry;
  /** Which roles this process plays. */
  roles: ReadonlySet<ProcessRole>;
  /** Set when the process starts stopping; long work checks it to stop taking new work. */
  stopping: AbortSignal;
  /** The integrations: services, triggers and actions, synced into the database at start. */
  catalog: Catalog;
  /** Seals and opens credentials and secrets at rest. */
  keys: KeyRing;
  /** Signs access tokens. */
  jwtSecret: Uint8Array;
  /** Background parts (workers, scheduler, health checks) started after the server and stopped before the database. */
  services: BackgroundService[];
}

export interface BackgroundService {
  name: string;
  start(): Promise<void>;
  /** Stop taking work and finish what is in flight. */
  stop(): Promise<void>;
}

export type ProcessRole = 'api' | 'worker' | 'scheduler';
export const ALL_ROLES: readonly ProcessRole[] = ['api', 'worker', 'scheduler'];
