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
  /** Older encryption keys still accepted for reading (key rotation). */
  previousEncryptionKeys: string[];
  jwtSecret: string | undefined;
  logLevel: LogLevel;
  publicUrl: string;
  nodeEnv: string;
  workerConcurrency: number;
  shutdownTimeoutMs: number;
  trustProxy: boolean;
  /** Largest file one upload may hold (src/files). */
  uploadMaxBytes: number;
  /** Execution engine (src/engine). */
  engine: EngineConfig;
  /** Integrations: outbound HTTP limits and the health check (src/catalog, src/system). */
  integrations: IntegrationsConfig;
  /** Sign-in, sessions and external sign-in (src/accounts). */
  accounts: AccountsConfig;
  /** The assistant's default model (src/assistant). */
  assistant: AssistantConfig;
}

export interface AssistantConfig {
  provider: 'openai' | 'anthropic' | 'gemini' | undefined;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string | undefined;
  embeddingModel: string | undefined;
  tokensPerCredit: number;
  repairRounds: number;
}

export interface IntegrationsConfig {
  httpTimeoutMs: number;
  httpMaxResponseBytes: number;
  healthCheckIntervalSeconds: number;
}

export interface AccountsConfig {
  refreshTokenTtlDays: number;
  authRateLimitWindowSeconds: number;
  authRateLimitPerIp: number;
  authRateLimitPerAccount: number;
  oidc: OidcConfig | undefined;
}

/** An external OpenID Connect (issuer) or plain OAuth2 (endpoints) provider to sign in with. */
export interface OidcConfig {
  name: string;
  issuer: string | undefined;
  authorizationUrl: string | undefined;
  tokenUrl: string | undefined;
  userinfoUrl: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
}

export interface EngineConfig {
  runCreditCost: number;
  runExpirySeconds: number;
  webhookWaitMs: number;
  scheduleCatchUp: boolean;
  retentionDays: number;
  retentionPerWorkflow: number;
  queueSchema: string;
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
    name: 'AREA_ENCRYPTION_KEY_PREVIOUS',
    default: '(unset)',
    description:
      'Older encryption keys, comma separated, still read after a rotation until `area keys rotate` re-sealed everything.',
  },
  {
    name: 'HTTP_REQUEST_TIMEOUT_MS',
    default: '30000',
    description: 'Longest time one outbound request of an integration may take.',
  },
  {
    name: 'HTTP_MAX_RESPONSE_BYTES',
    default: '10485760',
    description: 'Largest response body an integration reads (bigger answers fail the step).',
  },
  {
    name: 'HEALTH_CHECK_INTERVAL_SECONDS',
    default: '60',
    description: 'How often the health check writes system_status (0 turns it off).',
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
    description:
      'Runs a worker process executes at once, counted apart for the queue and for the runs the process took in itself (their steps; the writing of their ends is grouped).',
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
  {
    name: 'UPLOAD_MAX_BYTES',
    default: '26214400',
    description: 'Largest file one upload may hold (413 beyond).',
  },
  { name: 'RUN_CREDIT_COST', default: '1', description: 'Credits one workflow run costs its owner.' },
  {
    name: 'RUN_EXPIRY_SECONDS',
    default: '300',
    description:
      'Lease of a running run: a process renews it while the run goes on; a run whose process died is taken again by another worker once it lapses.',
  },
  {
    name: 'WEBHOOK_WAIT_MS',
    default: '30000',
    description: 'How long a "respond when done" webhook waits for its run before answering 202.',
  },
  {
    name: 'SCHEDULE_CATCH_UP',
    default: 'true',
    description: 'Fire a schedule slot missed while Area was down once at start.',
  },
  { name: 'EXECUTION_RETENTION_DAYS', default: '30', description: 'Runs older than this are deleted.' },
  {
    name: 'EXECUTION_RETENTION_PER_WORKFLOW',
    default: '10000',
    description: 'Only this many most recent runs are kept per workflow.',
  },
  {
    name: 'QUEUE_SCHEMA',
    default: 'pgboss',
    description: 'PostgreSQL schema that holds the job queue tables.',
  },
  { name: 'REFRESH_TOKEN_TTL_DAYS', default: '30', description: 'How long an unused sign-in session lasts.' },
  {
    name: 'AUTH_RATE_LIMIT_WINDOW_SECONDS',
    default: '900',
    description: 'The window the two sign-in limits below count in.',
  },
  {
    name: 'AUTH_RATE_LIMIT_PER_IP',
    default: '30',
    description: 'Failed sign-ins plus sign-ups one IP address may make per window (429 beyond).',
  },
  {
    name: 'AUTH_RATE_LIMIT_PER_ACCOUNT',
    default: '10',
    description: 'Failed sign-ins (and sign-ups) per email address per window (429 beyond).',
  },
  {
    name: 'OIDC_ISSUER',
    default: '(unset)',
    description: 'OpenID Connect issuer URL to sign in with (discovery); or set the three OIDC_*_URL below.',
  },
  { name: 'OIDC_AUTHORIZATION_URL', default: '(unset)', description: 'OAuth2 authorization endpoint.' },
  { name: 'OIDC_TOKEN_URL', default: '(unset)', description: 'OAuth2 token endpoint.' },
  { name: 'OIDC_USERINFO_URL', default: '(unset)', description: 'Endpoint answering the signed-in email.' },
  {
    name: 'OIDC_CLIENT_ID',
    default: '(unset: external sign-in off)',
    description: 'Client id at the provider.',
  },
  {
    name: 'OIDC_CLIENT_SECRET',
    default: '(unset)',
    description: 'Client secret (omit for a public client).',
  },
  { name: 'OIDC_NAME', default: 'Single sign-on', description: 'Provider name shown on the sign-in button.' },
  { name: 'OIDC_SCOPES', default: 'openid email profile', description: 'Scopes asked of the provider.' },
  {
    name: 'ASSISTANT_PROVIDER',
    default: "(unset: the assistant uses the user's own AI connection)",
    description:
      'Model provider of the assistant: openai (any OpenAI-compatible API: OpenRouter, Ollama), anthropic or gemini.',
  },
  {
    name: 'ASSISTANT_BASE_URL',
    default: "(the provider's)",
    description: 'API base URL, e.g. http://localhost:11434/v1 for Ollama.',
  },
  { name: 'ASSISTANT_API_KEY', default: '(unset)', description: "API key of the assistant's provider." },
  {
    name: 'ASSISTANT_MODEL',
    default: "(the provider's default)",
    description: 'Chat model of the assistant.',
  },
  {
    name: 'ASSISTANT_EMBEDDING_MODEL',
    default: '(unset: full-text search)',
    description:
      'Embedding model (1536 dimensions) for searching past messages by meaning where pgvector exists.',
  },
  {
    name: 'ASSISTANT_TOKENS_PER_CREDIT',
    default: '1000',
    description: 'Model tokens (in + out) one credit pays for.',
  },
  {
    name: 'ASSISTANT_REPAIR_ROUNDS',
    default: '3',
    description: 'How many times the model may correct a proposal the validator rejected.',
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

function schemaName(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(name, 'must be a lower-case SQL name (letters, digits, _)', raw);
  }
  return raw;
}

/** Hides the password of a connection string so it can be printed. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function previousEncryptionKeys(env: Env): string[] {
  const raw = env['AREA_ENCRYPTION_KEY_PREVIOUS'];
  if (raw === undefined || raw.trim() === '') return [];
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const key of keys) {
    const isHex = /^[0-9a-fA-F]{64}$/.test(key);
    const isBase64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(key) && Buffer.from(key, 'base64').length === 32;
    if (!isHex && !isBase64) {
      throw new ConfigError(
        'AREA_ENCRYPTION_KEY_PREVIOUS',
        'must be 32-byte keys (hex or base64), comma separated',
        '***',
      );
    }
  }
  return keys;
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

function oidcConfig(env: Env): OidcConfig | undefined {
  const clientId = env['OIDC_CLIENT_ID'] || undefined;
  const issuer = url(env, 'OIDC_ISSUER', ['http:', 'https:']);
  const authorizationUrl = url(env, 'OIDC_AUTHORIZATION_URL', ['http:', 'https:']);
  const tokenUrl = url(env, 'OIDC_TOKEN_URL', ['http:', 'https:']);
  const userinfoUrl = url(env, 'OIDC_USERINFO_URL', ['http:', 'https:']);
  if (!clientId) return undefined;
  if (!issuer && !(authorizationUrl && tokenUrl && userinfoUrl)) {
    throw new ConfigError(
      'OIDC_ISSUER',
      'must be set with OIDC_CLIENT_ID (or set OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL and OIDC_USERINFO_URL)',
      '',
    );
  }
  return {
    name: env['OIDC_NAME'] || 'Single sign-on',
    issuer,
    authorizationUrl,
    tokenUrl,
    userinfoUrl,
    clientId,
    clientSecret: env['OIDC_CLIENT_SECRET'] || undefined,
    scopes: env['OIDC_SCOPES'] || 'openid email profile',
  };
}

function assistantConfig(env: Env): AssistantConfig {
  const provider = env['ASSISTANT_PROVIDER'] || undefined;
  if (provider !== undefined && !['openai', 'anthropic', 'gemini'].includes(provider)) {
    throw new ConfigError('ASSISTANT_PROVIDER', 'must be one of openai, anthropic, gemini', provider);
  }
  return {
    provider: provider as AssistantConfig['provider'],
    baseUrl: url(env, 'ASSISTANT_BASE_URL', ['http:', 'https:']),
    apiKey: env['ASSISTANT_API_KEY'] || undefined,
    model: env['ASSISTANT_MODEL'] || undefined,
    embeddingModel: env['ASSISTANT_EMBEDDING_MODEL'] || undefined,
    tokensPerCredit: integer(env, 'ASSISTANT_TOKENS_PER_CREDIT', 1000, 1, 100_000_000),
    repairRounds: integer(env, 'ASSISTANT_REPAIR_ROUNDS', 3, 0, 10),
  };
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
    previousEncryptionKeys: previousEncryptionKeys(env),
    jwtSecret,
    logLevel,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    nodeEnv: env['NODE_ENV'] || 'development',
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 10, 1, 1000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1, 10 * 1024 * 1024 * 1024),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    integrations: {
      httpTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      httpMaxResponseBytes: integer(
        env,
        'HTTP_MAX_RESPONSE_BYTES',
        10 * 1024 * 1024,
        1024,
        1024 * 1024 * 1024,
      ),
      healthCheckIntervalSeconds: integer(env, 'HEALTH_CHECK_INTERVAL_SECONDS', 60, 0, 86_400),
    },
    engine: {
      runCreditCost: integer(env, 'RUN_CREDIT_COST', 1, 0, 1_000_000),
      runExpirySeconds: integer(env, 'RUN_EXPIRY_SECONDS', 300, 5, 86_400),
      webhookWaitMs: integer(env, 'WEBHOOK_WAIT_MS', 30_000, 0, 600_000),
      scheduleCatchUp: boolean(env, 'SCHEDULE_CATCH_UP', true),
      retentionDays: integer(env, 'EXECUTION_RETENTION_DAYS', 30, 1, 36_500),
      retentionPerWorkflow: integer(env, 'EXECUTION_RETENTION_PER_WORKFLOW', 10_000, 1, 10_000_000),
      queueSchema: schemaName(env, 'QUEUE_SCHEMA', 'pgboss'),
    },
    accounts: {
      refreshTokenTtlDays: integer(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 3650),
      authRateLimitWindowSeconds: integer(env, 'AUTH_RATE_LIMIT_WINDOW_SECONDS', 900, 1, 86_400),
      authRateLimitPerIp: integer(env, 'AUTH_RATE_LIMIT_PER_IP', 30, 1, 1_000_000),
      authRateLimitPerAccount: integer(env, 'AUTH_RATE_LIMIT_PER_ACCOUNT', 10, 1, 1_000_000),
      oidc: oidcConfig(env),
    },
    assistant: assistantConfig(env),
  };
}
