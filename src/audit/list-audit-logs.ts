import type { Kysely, Selectable } from 'kysely';
import type { AuditLogsTable, DB } from '../db/types.ts';

export interface AuditLogView {
  id: string;
  userId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  changes: unknown;
  details: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface AuditFilter {
  /** Only this actor's entries; undefined means everyone's (admins only). */
  userId: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export function toAuditLogView(row: Selectable<AuditLogsTable>): AuditLogView {
  return {
    id: row.id,
    userId: row.user_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    changes: row.changes,
    details: (row.details ?? {}) as Record<string, unknown>,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    createdAt: row.created_at.toISOString(),
  };
}

/** Newest first; ids are time ordered, so the id alone is the keyset cursor. */
export async function listAuditLogs(
  db: Kysely<DB>,
  filter: AuditFilter,
  page: { limit: number; cursor: string | undefined },
): Promise<{ items: AuditLogView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('audit_logs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.action) {
    // `auth.` selects a whole family of actions, `auth.login` exactly one.
    query = filter.action.endsWith('.')
      ? query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`)
      : query.where('action', '=', filter.action);
  }
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.from) query = query.where('created_at', '>=', filter.from);
  if (filter.to) query = query.where('created_at', '<', filter.to);
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toAuditLogView);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function getAuditLog(
  db: Kysely<DB>,
  id: string,
  userId: string | undefined,
): Promise<AuditLogView | undefined> {
  let query = db.selectFrom('audit_logs').selectAll().where('id', '=', id);
  if (userId) query = query.where('user_id', '=', userId);
  const row = await query.executeTakeFirst();
  return row ? toAuditLogView(row) : undefined;
}
