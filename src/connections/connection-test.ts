import { authOptionsOf } from '../catalog/auth-options.ts';
import { createLimitedFetch } from '../catalog/limited-fetch.ts';
import { type AccessDeps, loadConnectionForRun } from './connection-access.ts';
import { type ConnectionDeps, type ConnectionView, getConnection } from './connections.ts';
import { redactMessage } from './redact.ts';

const TEST_TIMEOUT_MS = 30_000;

/**
 * Runs the service's credential test and records the outcome: status active or error, last_tested_at,
 * and error_message (credentials scrubbed from it). Services without a test pass when the credentials open.
 */
export async function testConnection(
  deps: ConnectionDeps & { httpLimits: { timeoutMs: number; maxBytes: number } },
  userId: string,
  id: string,
): Promise<ConnectionView & { ok: boolean }> {
  const current = await getConnection(deps, userId, id);
  const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  const http = createLimitedFetch(deps.httpLimits, signal);
  const access: AccessDeps = { db: deps.db, keys: deps.keys, catalog: deps.catalog, http };
  let error: string | null = null;
  let credentials: unknown;
  try {
    const { auth, connection, authType } = await loadConnectionForRun(access, { connectionId: id, userId });
    credentials = auth;
    const service = deps.catalog.service(current.serviceKey);
    const option = service ? authOptionsOf(service.definition).find((o) => o.type === authType) : undefined;
    const test = option && option.type !== 'none' ? option.test : undefined;
    if (test) await test({ auth, config: connection.config, http, signal });
  } catch (e) {
    error = redactMessage((e as Error).message || String(e), credentials);
  }
  await deps.db
    .updateTable('connections')
    .set({
      last_tested_at: new Date(),
      // An expired OAuth2 connection stays expired: only reconnecting fixes it.
      ...(error === null ? { status: 'active', error_message: null } : { error_message: error }),
    })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .execute();
  if (error !== null) {
    await deps.db
      .updateTable('connections')
      .set({ status: 'error' })
      .where('id', '=', id)
      .where('status', '<>', 'expired')
      .execute();
  }
  return { ...(await getConnection(deps, userId, id)), ok: error === null };
}
