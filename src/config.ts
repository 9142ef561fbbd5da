import path from 'node:path';

/**
 * Every setting Area reads from the environment, checked once at start.
 * The README's configuration table lists exactly these (a test keeps them in step).
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  encryptionKey: string | undefined;
  jwtSecret: string | undefined;
  logLevel: LogLevel;
  publicUrl: string;
  nodeEnv: string;
  workerConcurrency: number;
  shutdownTimeoutMs: number;
  trustProxy: boolean;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, rule: string, value: string) {
    super(`Invalid configuration: ${variable} ${rule} (got "${value}")`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

interface Setting {
  name: string;
  default: string;
  description: string;
}

/** The documented settings, in README order. */
export const SETTINGS: readonly Setting[] = [
  { name: 'PORT', default: '3000', description: 'TCP port of the HTTP server (API, web app, webhooks).' },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description: 'Interface to listen on. Use 0.0.0.0 to accept connections from other machines.',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'Where the embedded database, generated keys and uploaded files live.',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset: embedded PGlite in DATA_DIR)',
    description: 'PostgreSQL connection string, e.g. postgres://user:pass@host:5432/area.',
  },
  { name: 'DATABASE_POOL_SIZE', default: '10', description: 'Maximum PostgreSQL connections per process.' },
  {
    name: 'AREA_ENCRYPTION_KEY',
    default: '(unset: key file generated in DATA_DIR)',
    description: 'Key for credentials at rest: 32 bytes as 64 hex characters or base64.',
  },
  {
    name: 'AREA_JWT_SECRET',
    default: '(unset: generated in DATA_DIR)',
    description: 'Secret that signs access tokens; at least 32 characters.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: `One of ${LOG_LEVELS.join(', ')}.` },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:PORT',
    description: 'The address users and providers reach Area at (webhook URLs, OAuth callbacks).',
  },
  {
    name: 'NODE_ENV',
    default: 'development',
    description: 'production turns off pretty logs and dev conveniences.',
  },
  {
    name: 'WORKER_CONCURRENCY',
    default: '10',
    description: 'Runs a worker process executes at once.',
  },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    description: 'How long a stopping process waits for in-flight work before it exits.',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description: 'true when behind a reverse proxy: client IPs are read from X-Forwarded-For.',
  },
];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`, raw);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'must be true or false', raw);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`, redactUrl(raw));
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`, redactUrl(raw));
  }
  return raw;
}

/** Hides the password of a connection string so it can be printed. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function encryptionKey(env: Env): string | undefined {
  const raw = env['AREA_ENCRYPTION_KEY'];
  if (raw === undefined || raw === '') return undefined;
  const isHex = /^[0-9a-fA-F]{64}$/.test(raw);
  const isBase64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(raw) && Buffer.from(raw, 'base64').length === 32;
  if (!isHex && !isBase64) {
    throw new ConfigError('AREA_ENCRYPTION_KEY', 'must be 32 bytes as 64 hex characters or base64', '***');
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const logLevel = (env['LOG_LEVEL'] || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`, logLevel);
  }
  const jwtSecret = env['AREA_JWT_SECRET'] || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('AREA_JWT_SECRET', 'must be at least 32 characters', '***');
  }
  const host = env['HOST'] || '127.0.0.1';
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  return {
    port,
    host,
    dataDir: path.resolve(env['DATA_DIR'] || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    encryptionKey: encryptionKey(env),
    jwtSecret,
    logLevel,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    nodeEnv: env['NODE_ENV'] || 'development',
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 10, 1, 1000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
  };
}
