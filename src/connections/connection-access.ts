import { type Kysely, sql } from 'kysely';
import { authOptionOfCredentials, hasAuthAlternatives } from '../catalog/auth-options.ts';
import type { ConnectionInfo, LimitedFetch } from '../catalog/context.ts';
import type { AuthType } from '../catalog/define.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import type { KeyRing } from './crypto.ts';
import { type OAuth2Auth, type OAuth2Credentials, refreshAccessToken } from './oauth2-client.ts';
import { redactMessage } from './redact.ts';

export interface AccessDeps {
  db: Kysely<DB>;
  keys: KeyRing;
  catalog: Catalog;
  /** The fetch token refreshes go through. */
  http: LimitedFetch;
}

/** A token this close to expiry is refreshed before use. */
export const REFRESH_MARGIN_MS = 60_000;

export class ConnectionUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionUnavailableError';
  }
}

function oauth2Auth(credentials: OAuth2Credentials): OAuth2Auth {
  return {
    accessToken: credentials.accessToken,
    tokenType: credentials.tokenType,
    ...(credentials.scope ? { scope: credentials.scope } : {}),
    ...(credentials.expiresAt ? { expiresAt: credentials.expiresAt } : {}),
  };
}

/**
 * Refreshes an OAuth2 connection's tokens under a row lock (SELECT ... FOR UPDATE), so two workers
 * never spend the same refresh token. A caller that lost the race finds fresh tokens and uses them.
 * `staleAccessToken` (after a 401): refresh unless the stored token already differs from it.
 * A refused refresh marks the connection expired with the reason, and throws.
 */
export async function refreshOAuth2Connection(
  deps: AccessDeps,
  connectionId: string,
  options: { staleAccessToken?: string } = {},
): Promise<OAuth2Credentials> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const locked = await sql<{ encrypted_credentials: string }>`
      SELECT encrypted_credentials FROM connections WHERE id = ${connectionId} AND deleted_at IS NULL FOR UPDATE`.execute(
      trx,
    );
    const row = locked.rows[0];
    if (!row) return { error: 'The connection no longer exists', credentials: undefined };
    const credentials = deps.keys.openJson<OAuth2Credentials>(row.encrypted_credentials);
    const expiresAt = credentials.expiresAt ? Date.parse(credentials.expiresAt) : Number.POSITIVE_INFINITY;
    const stillFresh =
      options.staleAccessToken !== undefined
        ? credentials.accessToken !== options.staleAccessToken
        : expiresAt - Date.now() > REFRESH_MARGIN_MS;
    if (stillFresh) return { credentials, error: undefined };
    try {
      const tokens = await refreshAccessToken(deps.http, credentials);
      const next: OAuth2Credentials = { ...credentials, ...tokens };
      await trx
        .updateTable('connections')
        .set({
          encrypted_credentials: deps.keys.sealJson(next),
          token_expires_at: next.expiresAt ? new Date(next.expiresAt) : null,
          status: 'active',
          error_message: null,
        })
        .where('id', '=', connectionId)
        .execute();
      return { credentials: next, error: undefined };
    } catch (error) {
      const message = redactMessage(
        `Refreshing the access token failed: ${(error as Error).message}`,
        credentials,
      );
      await trx
        .updateTable('connections')
        .set({ status: 'expired', error_message: message })
        .where('id', '=', connectionId)
        .execute();
      return { error: message, credentials: undefined };
    }
  });
  if (!outcome.credentials) throw new ConnectionUnavailableError(outcome.error ?? 'The refresh failed');
  return outcome.credentials;
}

/**
 * The `auth` and `connection` parts of an ActionContext / TriggerContext for a node's connection:
 * owned by `userId`, not deleted, not expired; OAuth2 tokens refreshed first when about to expire.
 */
export async function loadConnectionForRun(
  deps: AccessDeps,
  ref: { connectionId: string; userId: string },
): Promise<{ auth: unknown; connection: ConnectionInfo; authType: AuthType }> {
  const row = await deps.db
    .selectFrom('connections')
    .innerJoin('services', 'services.id', 'connections.service_id')
    .select([
      'connections.id',
      'connections.name',
      'connections.status',
      'connections.config',
      'connections.encrypted_credentials',
      'connections.error_message',
      'services.key as service_key',
      'services.auth_type',
    ])
    .where('connections.id', '=', ref.connectionId)
    .where('connections.user_id', '=', ref.userId)
    .where('connections.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row)
    throw new ConnectionUnavailableError(
      'The connection was deleted or does not belong to the workflow owner',
    );
  if (row.status === 'expired') {
    throw new ConnectionUnavailableError(
      `The connection "${row.name}" has expired: reconnect it (${row.error_message ?? 'no reason given'})`,
    );
  }
  if (row.status === 'inactive')
    throw new ConnectionUnavailableError(`The connection "${row.name}" is turned off`);
  await deps.db
    .updateTable('connections')
    .set({ last_used_at: new Date() })
    .where('id', '=', row.id)
    .execute();

  const opened = deps.keys.openJson<unknown>(row.encrypted_credentials);
  const definition = deps.catalog.service(row.service_key)?.definition;
  // A service with alternatives: the stored credentials say which option the connection uses.
  const authType: AuthType =
    definition && hasAuthAlternatives(definition)
      ? authOptionOfCredentials(definition, opened).type
      : (row.auth_type as AuthType);
  const isOAuth2 = authType === 'oauth2';
  let auth: unknown;
  if (isOAuth2) {
    let credentials = opened as OAuth2Credentials;
    const expiresAt = credentials.expiresAt ? Date.parse(credentials.expiresAt) : Number.POSITIVE_INFINITY;
    if (expiresAt - Date.now() <= REFRESH_MARGIN_MS)
      credentials = await refreshOAuth2Connection(deps, row.id);
    auth = oauth2Auth(credentials);
  } else {
    auth = opened;
  }
  const connection: ConnectionInfo = {
    id: row.id,
    name: row.name,
    serviceKey: row.service_key,
    config: (row.config ?? {}) as Record<string, unknown>,
    async refresh() {
      if (!isOAuth2) return auth;
      const current = auth as OAuth2Auth;
      auth = oauth2Auth(
        await refreshOAuth2Connection(deps, row.id, { staleAccessToken: current.accessToken }),
      );
      return auth;
    },
  };
  return { auth, connection, authType };
}
