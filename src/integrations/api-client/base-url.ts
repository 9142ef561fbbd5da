import type { ConnectionInfo } from '../../catalog/context.ts';

/**
 * The provider's base URL: the connection's `baseUrl` setting, else a `baseUrl` credential field
 * (services whose users pick the server, e.g. an OpenAI-compatible one), else the default.
 */
export function baseUrlFrom(
  ctx: { auth: unknown; connection?: ConnectionInfo | undefined; config?: Record<string, unknown> },
  fallback: string,
): string {
  const fromAuth =
    ctx.auth && typeof ctx.auth === 'object' ? (ctx.auth as Record<string, unknown>)['baseUrl'] : undefined;
  for (const candidate of [ctx.connection?.config['baseUrl'], ctx.config?.['baseUrl'], fromAuth]) {
    if (typeof candidate === 'string' && candidate.trim()) return candidate.trim();
  }
  return fallback;
}
