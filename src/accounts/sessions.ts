import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { DB } from '../db/types.ts';
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from './access-tokens.ts';
import { rolesOf } from './roles.ts';

/** What a sign-in, a registration or a refresh hands the client. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface SessionDeps {
  db: Kysely<DB>;
  jwtSecret: Uint8Array;
  refreshTtlSeconds: number;
}

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

const REFRESH_PREFIX = 'art_';

/** Refresh tokens are 256 random bits, so SHA-256 is enough to store them. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newRefreshToken(): string {
  return `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
}

async function accessTokenFor(deps: SessionDeps, userId: string): Promise<string> {
  const roles = await rolesOf(deps.db, userId);
  return issueAccessToken(deps.jwtSecret, { userId, isAdmin: roles.includes('admin') });
}

function ipOrNull(ip: string | null): string | null {
  return ip && isIP(ip) ? ip : null;
}

async function insertRefreshToken(
  db: Kysely<DB>,
  deps: SessionDeps,
  userId: string,
  familyId: string,
  meta: ClientMeta,
): Promise<{ id: string; token: string }> {
  const token = newRefreshToken();
  const row = await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashRefreshToken(token),
      expires_at: new Date(Date.now() + deps.refreshTtlSeconds * 1000),
      ip_address: ipOrNull(meta.ip),
      user_agent: meta.userAgent?.slice(0, 1000) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Starts a new session (a new refresh token family) and records the sign-in time. */
export async function startSession(
  deps: SessionDeps,
  userId: string,
  meta: ClientMeta,
): Promise<SessionTokens> {
  const { token } = await insertRefreshToken(deps.db, deps, userId, randomUUID(), meta);
  await deps.db.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', userId).execute();
  return {
    accessToken: await accessTokenFor(deps, userId),
    refreshToken: token,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  };
}

export type RefreshResult =
  | { ok: true; tokens: SessionTokens; userId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'inactive' };

/**
 * Trades a refresh token for a new pair. Each token works once: presenting one that was already
 * used means it was copied, so its whole family is revoked (the thief's and the owner's sessions)
 * and the event goes to the audit log.
 */
export async function rotateRefreshToken(
  deps: SessionDeps,
  presented: string,
  meta: ClientMeta,
): Promise<RefreshResult> {
  const row = await deps.db
    .selectFrom('refresh_tokens')
    .innerJoin('users', 'users.id', 'refresh_tokens.user_id')
    .select([
      'refresh_tokens.id',
      'refresh_tokens.user_id',
      'refresh_tokens.family_id',
      'refresh_tokens.expires_at',
      'refresh_tokens.used_at',
      'refresh_tokens.revoked_at',
      'users.is_active',
      'users.deleted_at',
    ])
    .where('refresh_tokens.token_hash', '=', hashRefreshToken(presented))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) {
    await revokeFamily(deps.db, row.family_id);
    await recordAudit(deps.db, {
      userId: row.user_id,
      action: 'auth.refresh_token_reused',
      entityType: 'refresh_token_family',
      entityId: row.family_id,
      details: { tokenId: row.id, firstUsedAt: row.used_at.toISOString() },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    return { ok: false, reason: 'reused' };
  }
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  if (!row.is_active || row.deleted_at) return { ok: false, reason: 'inactive' };

  const rotated = await deps.db.transaction().execute(async (trx) => {
    // The `used_at IS NULL` guard makes a concurrent second use lose, and be treated as reuse.
    const claimed = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: new Date() })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return undefined;
    const next = await insertRefreshToken(trx, deps, row.user_id, row.family_id, meta);
    await trx.updateTable('refresh_tokens').set({ replaced_by: next.id }).where('id', '=', row.id).execute();
    return next.token;
  });
  if (rotated === undefined) return rotateRefreshToken(deps, presented, meta);
  return {
    ok: true,
    userId: row.user_id,
    tokens: {
      accessToken: await accessTokenFor(deps, row.user_id),
      refreshToken: rotated,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    },
  };
}

export async function revokeFamily(db: Kysely<DB>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Signs out one session: the family of the presented token. Unknown tokens are ignored. */
export async function endSession(db: Kysely<DB>, presented: string): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['user_id', 'family_id'])
    .where('token_hash', '=', hashRefreshToken(presented))
    .executeTakeFirst();
  if (!row) return undefined;
  await revokeFamily(db, row.family_id);
  return { userId: row.user_id };
}

/** Signs a user out everywhere (deactivation, deletion, password change). */
export async function revokeAllSessions(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
