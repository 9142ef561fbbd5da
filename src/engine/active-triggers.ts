import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { DefinitionTrigger, WorkflowSettings } from '../workflows/definition.ts';

/** An active workflow's published trigger: what the scheduler, the poller and the webhook intake act on. */
export interface ActiveTrigger {
  workflowId: string;
  userId: string;
  versionId: string;
  version: number;
  trigger: DefinitionTrigger;
  settings: WorkflowSettings | null;
}

interface Row {
  workflow_id: string;
  user_id: string;
  version_id: string;
  version: number;
  trigger: DefinitionTrigger | null;
  settings: WorkflowSettings | null;
}

function toActive(row: Row): ActiveTrigger | undefined {
  if (!row.trigger) return undefined;
  return {
    workflowId: row.workflow_id,
    userId: row.user_id,
    versionId: row.version_id,
    version: row.version,
    trigger: row.trigger,
    settings: row.settings,
  };
}

const base = (db: Kysely<DB>) =>
  db
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', (join) =>
      join.onRef('v.workflow_id', '=', 'w.id').onRef('v.version', '=', 'w.active_version'),
    )
    .select([
      'w.id as workflow_id',
      'w.user_id',
      'v.id as version_id',
      'v.version',
      sql<DefinitionTrigger | null>`v.definition -> 'trigger'`.as('trigger'),
      sql<WorkflowSettings | null>`v.definition -> 'settings'`.as('settings'),
    ])
    .where('w.status', '=', 'active')
    .where('w.deleted_at', 'is', null);

/** Every active workflow's trigger (pausing a workflow removes it from here). */
export async function listActiveTriggers(db: Kysely<DB>): Promise<ActiveTrigger[]> {
  // A stable order keeps concurrent schedulers writing the same rows in the same order (no deadlocks).
  const rows = (await base(db).orderBy('w.id').execute()) as Row[];
  return rows.map(toActive).filter((t): t is ActiveTrigger => t !== undefined);
}

/**
 * Every active workflow's trigger for the scheduler, the poller and the subscriptions of one process,
 * which each look every few seconds. Reading them all means reading every active definition (with
 * 10,000 schedules, 0.4 to 0.8 s of the embedded database's time each look, three looks every five
 * seconds); instead one small query sums a hash of each active workflow's id and published version
 * (versions never change), and they are read again only when that sum or their number changed.
 * Looks within `shareMs` of each other share one answer.
 */
export class ActiveTriggerReader {
  readonly #db: Kysely<DB>;
  readonly #shareMs: number;
  #known: { fingerprint: string; triggers: ActiveTrigger[] } | undefined;
  #answer: { at: number; triggers: Promise<ActiveTrigger[]> } | undefined;

  constructor(db: Kysely<DB>, shareMs = 1_000) {
    this.#db = db;
    this.#shareMs = shareMs;
  }

  read(): Promise<ActiveTrigger[]> {
    const answer = this.#answer;
    if (answer && Date.now() - answer.at < this.#shareMs) return answer.triggers;
    const triggers = this.#look();
    this.#answer = { at: Date.now(), triggers };
    // A failed look is not shared: the next one tries again.
    triggers.catch(() => {
      if (this.#answer?.triggers === triggers) this.#answer = undefined;
    });
    return triggers;
  }

  async #look(): Promise<ActiveTrigger[]> {
    const { rows } = await sql<{ n: number; h: string }>`
      SELECT count(*)::int AS n, coalesce(sum(hashtextextended(w.id::text || ':' || w.active_version, 0)), 0)::text AS h
      FROM workflows w WHERE w.status = 'active' AND w.deleted_at IS NULL`.execute(this.#db);
    const fingerprint = `${rows[0]?.n}:${rows[0]?.h}`;
    if (this.#known?.fingerprint === fingerprint) return this.#known.triggers;
    const triggers = await listActiveTriggers(this.#db);
    this.#known = { fingerprint, triggers };
    return triggers;
  }
}

/** The active workflow a webhook token belongs to. */
export async function triggerByWebhookToken(
  db: Kysely<DB>,
  token: string,
): Promise<ActiveTrigger | undefined> {
  const row = (await base(db).where('w.webhook_token', '=', token).executeTakeFirst()) as Row | undefined;
  return row ? toActive(row) : undefined;
}

/** A workflow's published version for a run started by hand (active or not), scoped to its owner. */
export async function publishedVersion(
  db: Kysely<DB>,
  workflowId: string,
  userId: string,
): Promise<(ActiveTrigger & { status: string }) | undefined> {
  const row = await db
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', (join) =>
      join
        .onRef('v.workflow_id', '=', 'w.id')
        .on((eb) => eb('v.version', '=', eb.fn.coalesce('w.active_version', 'w.version'))),
    )
    .select([
      'w.id as workflow_id',
      'w.user_id',
      'w.status',
      'v.id as version_id',
      'v.version',
      sql<DefinitionTrigger | null>`v.definition -> 'trigger'`.as('trigger'),
      sql<WorkflowSettings | null>`v.definition -> 'settings'`.as('settings'),
    ])
    .where('w.id', '=', workflowId)
    .where('w.user_id', '=', userId)
    .where('w.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const active = toActive(row as Row);
  return active ? { ...active, status: row.status } : undefined;
}
