import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, JsonValue } from '../db/types.ts';

export interface AuditEntry {
  /** The actor; null for anonymous events such as a failed sign-in for an unknown email. */
  userId: string | null;
  /** `<entity>.<verb>`, e.g. `auth.login_failed`, `api_key.created`, `workflow.updated`. */
  action: string;
  entityType: string;
  entityId?: string | null;
  /** What changed, e.g. `{ before: {...}, after: {...} }` or `{ name: ['old', 'new'] }`. */
  changes?: unknown;
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Secrets must never land in the audit trail, whatever a caller passes in `changes` or `details`.
const SECRET_KEY =
  /(password|passwd|secret|token|hash|credentials?|api_?key|private_?key|authorization|cookie)$/i;
const REDACTED = '[redacted]';

export function redactSecrets(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(inner, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

/**
 * Appends one entry to audit_logs. Pass the transaction (`trx`) when the audited change happens in
 * one, so both commit or neither does. Values the columns cannot hold (an id that is not a uuid, an
 * address that is not an IP) move into `details` instead of failing the caller.
 */
export async function recordAudit(db: Kysely<DB>, entry: AuditEntry): Promise<void> {
  const details: Record<string, unknown> = { ...entry.details };
  let entityId: string | null = null;
  if (entry.entityId) {
    if (UUID.test(entry.entityId)) entityId = entry.entityId;
    else details['entityKey'] = entry.entityId;
  }
  const ip = entry.ip && isIP(entry.ip) ? entry.ip : null;
  await db
    .insertInto('audit_logs')
    .values({
      user_id: entry.userId,
      action: entry.action.slice(0, 100),
      entity_type: entry.entityType.slice(0, 100),
      entity_id: entityId,
      changes: entry.changes === undefined ? null : JSON.stringify(redactSecrets(entry.changes)),
      details: JSON.stringify(redactSecrets(details)),
      ip_address: ip,
      user_agent: entry.userAgent ? entry.userAgent.slice(0, 1000) : null,
    })
    .execute();
}

/** Who is on the other end of a request, for recordAudit. */
export function auditFromRequest(request: FastifyRequest): { ip: string | null; userAgent: string | null } {
  const agent = request.headers['user-agent'];
  return { ip: request.ip || null, userAgent: typeof agent === 'string' ? agent : null };
}
