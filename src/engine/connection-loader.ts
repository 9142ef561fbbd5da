import type { AppContext } from '../app-context.ts';
import type { ConnectionInfo, LimitedFetch } from '../catalog/context.ts';
import { createLimitedFetch, type FetchLimits } from '../catalog/limited-fetch.ts';
import { loadConnectionForRun } from '../connections/connection-access.ts';
import { loadSecrets } from '../connections/secrets.ts';

/** Opens a node's connection for its owner: decrypted credentials plus the refresh handle. */
export type ConnectionLoader = (
  userId: string,
  connectionId: string,
) => Promise<{ auth: unknown; connection: ConnectionInfo }>;

export function fetchLimitsOf(ctx: AppContext): FetchLimits {
  return {
    timeoutMs: ctx.config.integrations.httpTimeoutMs,
    maxBytes: ctx.config.integrations.httpMaxResponseBytes,
  };
}

/** Connections and secrets as the engine reads them: always scoped to the workflow's owner. */
export interface EngineAccess {
  loadConnection: ConnectionLoader;
  loadSecrets: (userId: string) => Promise<Record<string, string>>;
  /** The limited fetch of trigger hooks and token refreshes, bound to the process's stop signal. */
  http: LimitedFetch;
}

export function engineAccess(ctx: AppContext): EngineAccess {
  const http = createLimitedFetch(fetchLimitsOf(ctx), ctx.stopping);
  return {
    http,
    loadConnection: (userId, connectionId) =>
      loadConnectionForRun(
        { db: ctx.db, keys: ctx.keys, catalog: ctx.catalog, http },
        { connectionId, userId },
      ),
    loadSecrets: (userId) => loadSecrets(ctx.db, ctx.keys, userId),
  };
}
