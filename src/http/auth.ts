import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { verifyAccessToken } from '../accounts/access-tokens.ts';
import { hashApiKey, looksLikeApiKey } from '../accounts/api-key-format.ts';
import { apiKeyUsageOf } from '../accounts/api-key-usage.ts';
import type { DB } from '../db/types.ts';
import { AppError } from './errors.ts';

/**
 * Who is calling. Every owned query is scoped by `userId`; admin-only routes check `isAdmin`.
 * `scopes` is '*' for a signed-in user and the key's permissions for an API key.
 */
export interface Principal {
  userId: string;
  isAdmin: boolean;
  scopes: '*' | readonly string[];
  via: 'token' | 'api_key';
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Scopes an API key can hold. A signed-in user holds all of them. */
export const SCOPES = [
  'workflows:read',
  'workflows:write',
  'executions:read',
  'executions:write',
  'connections:read',
  'connections:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface AuthDeps {
  db: Kysely<DB>;
  jwtSecret: Uint8Array;
  /** Called after an API key authenticated a request (usage counters are written off the request path). */
  onApiKeyUsed?: (apiKeyId: string) => void;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const key = request.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

async function isAdminUser(db: Kysely<DB>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('roles.id')
    .where('user_roles.user_id', '=', userId)
    .where('roles.name', '=', 'admin')
    .executeTakeFirst();
  return row !== undefined;
}

/** Resolves the caller from `Authorization: Bearer <jwt | area_key>`; throws 401 when absent or invalid. */
export async function authenticate(deps: AuthDeps, request: FastifyRequest): Promise<Principal> {
  const token = bearer(request);
  if (!token) {
    throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <access token or API key>');
  }
  if (looksLikeApiKey(token)) {
    const row = await deps.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select([
        'api_keys.id',
        'api_keys.user_id',
        'api_keys.permissions',
        'api_keys.expires_at',
        'api_keys.is_active',
      ])
      .where('api_keys.key_hash', '=', hashApiKey(token))
      .where('users.is_active', '=', true)
      .where('users.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row || !row.is_active) throw new AppError('unauthorized', 'The API key is not valid');
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
      throw new AppError('unauthorized', 'The API key has expired');
    }
    if (deps.onApiKeyUsed) deps.onApiKeyUsed(row.id);
    else apiKeyUsageOf(deps.db)?.note(row.id);
    const scopes = row.permissions;
    return {
      userId: row.user_id,
      isAdmin: scopes.includes('admin') && (await isAdminUser(deps.db, row.user_id)),
      scopes,
      via: 'api_key',
      apiKeyId: row.id,
    };
  }
  const verified = await verifyAccessToken(deps.jwtSecret, token);
  if (!verified.ok) {
    throw new AppError(
      'unauthorized',
      verified.reason === 'expired'
        ? 'The access token has expired: refresh it'
        : 'The access token is not valid',
    );
  }
  // A deactivated or deleted user loses access at once, not when the token expires.
  const user = await deps.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', verified.claims.userId)
    .where('is_active', '=', true)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw new AppError('unauthorized', 'The account is not active');
  return { userId: user.id, isAdmin: await isAdminUser(deps.db, user.id), scopes: '*', via: 'token' };
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes === '*' || principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

/**
 * A preHandler: the caller must be signed in and, when a scope is named, hold it (403 otherwise).
 * `admin` also requires the admin role.
 */
export function requireAuth(deps: AuthDeps, scope?: Scope) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await authenticate(deps, request);
    if (scope === 'admin' && !principal.isAdmin) {
      throw new AppError('forbidden', 'This needs the admin role');
    }
    if (scope && !hasScope(principal, scope)) {
      throw new AppError('forbidden', `This API key lacks the ${scope} scope`, { details: { scope } });
    }
    request.principal = principal;
  };
}

/** The caller of a route guarded by requireAuth. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Sign in first');
  return request.principal;
}
