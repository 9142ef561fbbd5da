import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, WorkflowStatus, WorkflowsTable } from '../db/types.ts';

export interface WorkflowFilter {
  status?: WorkflowStatus | undefined;
  tag?: string | undefined;
  /** Words found in the name or the description (case-insensitive). */
  search?: string | undefined;
  limit: number;
  /** The last id of the previous page (ids are time-ordered, newest first). */
  cursor?: string | undefined;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The caller's live workflows, newest first, one keyset page at a time. */
export async function listWorkflows(
  db: Kysely<DB>,
  userId: string,
  filter: WorkflowFilter,
): Promise<{ rows: Selectable<WorkflowsTable>[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('workflows')
    .selectAll()
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.tag) query = query.where(sql<boolean>`tags @> ARRAY[${filter.tag}]::text[]`);
  const search = filter.search?.trim();
  if (search) {
    for (const word of search.split(/\s+/).slice(0, 8)) {
      const pattern = likePattern(word);
      query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('description', 'ilike', pattern)]));
    }
  }
  if (filter.cursor) query = query.where('id', '<', filter.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  return { rows: page, nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
}
