import { randomBytes } from 'node:crypto';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { type Static, Type } from 'typebox';
import { recordAudit } from '../audit/record-audit.ts';
import { fingerprintOf, recordFingerprints, storedFingerprints } from '../db/sync-fingerprints.ts';
import type { DB, WorkflowTemplatesTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { uuidv7 } from '../lib/uuid.ts';
import type { BuiltInTemplate } from './built-in-templates.ts';
import { type DraftDefinition, normalizeDefinition, WorkflowDefinitionInput } from './definition.ts';
import { readDraftDefinition } from './graph-store.ts';
import {
  type Actor,
  auditOf,
  createWorkflow,
  type SavedWorkflow,
  type WorkflowDeps,
} from './save-workflow.ts';
import { fillConnections, toExport } from './workflow-export.ts';

export const Difficulty = Type.Union([
  Type.Literal('beginner'),
  Type.Literal('intermediate'),
  Type.Literal('advanced'),
]);

export const TemplateView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  difficulty: Difficulty,
  /** Every service the template uses. */
  services: Type.Array(Type.String()),
  useCount: Type.Integer(),
  isFeatured: Type.Boolean(),
  isPublic: Type.Boolean(),
  /** Whether the caller made it. */
  isOwn: Type.Boolean(),
  definition: WorkflowDefinitionInput,
  createdAt: Type.String(),
});
export type TemplateView = Static<typeof TemplateView>;

function servicesOf(definition: DraftDefinition): string[] {
  const keys = new Set<string>();
  if (definition.trigger) keys.add(definition.trigger.service);
  for (const n of definition.nodes) if (n.service) keys.add(n.service);
  return [...keys].sort();
}

export function templateView(
  row: Selectable<WorkflowTemplatesTable>,
  userId: string | undefined,
): TemplateView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    category: row.category,
    difficulty: row.difficulty,
    services: row.required_integrations,
    useCount: row.use_count,
    isFeatured: row.is_featured,
    isPublic: row.is_public,
    isOwn: userId !== undefined && row.created_by === userId,
    definition: row.template_data as unknown as WorkflowDefinitionInput,
    createdAt: row.created_at.toISOString(),
  };
}

/** Name of the shipped templates' fingerprint. */
const GALLERY = 'workflow_templates';

/**
 * Writes the shipped templates (upsert by slug); use counts stay. With `knownServices`, a template
 * naming a service this build does not have is left out rather than offered and failing at use.
 * Skipped when the rows were written from the same templates before and none was deleted since (a
 * fingerprint is kept with them, see sync-fingerprints.ts): every start but the first after a change.
 */
export async function syncBuiltInTemplates(
  db: Kysely<DB>,
  templates: readonly BuiltInTemplate[],
  knownServices?: (key: string) => boolean,
): Promise<void> {
  // By slug, the last one declared winning, as when each was written in turn.
  const bySlug = new Map<string, Insertable<DB['workflow_templates']>>();
  for (const t of templates) {
    const definition = normalizeDefinition(t.definition);
    if (knownServices && !servicesOf(definition).every(knownServices)) continue;
    bySlug.set(t.slug, {
      slug: t.slug,
      name: definition.name,
      description: definition.description ?? null,
      category: t.category,
      difficulty: t.difficulty,
      required_integrations: servicesOf(definition),
      template_data: JSON.stringify(definition),
      is_featured: t.featured === true,
      is_public: true,
      created_by: null,
    });
  }
  const rows = [...bySlug.values()];
  if (rows.length === 0) return;
  const fingerprint = fingerprintOf(rows);
  const present = await db
    .selectFrom('workflow_templates')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('slug', 'in', [...bySlug.keys()])
    .where('created_by', 'is', null)
    .executeTakeFirstOrThrow();
  const stored = await storedFingerprints(db, GALLERY);
  if (Number(present.count) === rows.length && stored.get(GALLERY) === fingerprint) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('workflow_templates')
      // Ids made here: the table's default is PL/pgSQL, which the first call loads (75 ms on PGlite).
      .values(rows.map((row) => ({ id: uuidv7(), ...row })))
      .onConflict((oc) =>
        oc.column('slug').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          description: eb.ref('excluded.description'),
          category: eb.ref('excluded.category'),
          difficulty: eb.ref('excluded.difficulty'),
          required_integrations: eb.ref('excluded.required_integrations'),
          template_data: eb.ref('excluded.template_data'),
          is_featured: eb.ref('excluded.is_featured'),
          is_public: eb.ref('excluded.is_public'),
          created_by: eb.ref('excluded.created_by'),
        })),
      )
      .execute();
    await recordFingerprints(trx, new Map([[GALLERY, fingerprint]]));
  });
}

export interface TemplateFilter {
  category?: string | undefined;
  difficulty?: 'beginner' | 'intermediate' | 'advanced' | undefined;
  /** Templates that use all of these services. */
  services?: string[] | undefined;
  featured?: boolean | undefined;
  search?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Public templates and the caller's own private ones; featured first, then by use. Keyset on id. */
export async function listTemplates(
  db: Kysely<DB>,
  userId: string,
  filter: TemplateFilter,
): Promise<{ items: TemplateView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('workflow_templates')
    .selectAll()
    .where((eb) => eb.or([eb('is_public', '=', true), eb('created_by', '=', userId)]));
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.difficulty) query = query.where('difficulty', '=', filter.difficulty);
  if (filter.featured !== undefined) query = query.where('is_featured', '=', filter.featured);
  if (filter.services && filter.services.length > 0) {
    query = query.where(sql<boolean>`required_integrations @> ${sql.val(filter.services)}::text[]`);
  }
  const search = filter.search?.trim();
  if (search) {
    for (const word of search.split(/\s+/).slice(0, 8)) {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('name', 'ilike', pattern),
          eb('description', 'ilike', pattern),
          eb('category', 'ilike', pattern),
        ]),
      );
    }
  }
  if (filter.cursor) query = query.where('id', '>', filter.cursor);
  const rows = await query
    .orderBy('id', 'asc')
    .limit(filter.limit + 1)
    .execute();
  const items = rows.slice(0, filter.limit).map((r) => templateView(r, userId));
  return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function findVisibleTemplate(
  db: Kysely<DB>,
  userId: string,
  id: string,
): Promise<Selectable<WorkflowTemplatesTable>> {
  const row = await db
    .selectFrom('workflow_templates')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('is_public', '=', true), eb('created_by', '=', userId)]))
    .executeTakeFirst();
  if (!row) throw AppError.notFound('Template');
  return row;
}

/** Makes a draft from a template (connections from the caller's map, by node key or service) and counts the use. */
export async function useTemplate(
  deps: WorkflowDeps,
  actor: Actor,
  id: string,
  options: { name?: string | undefined; connections?: Record<string, string> | undefined },
): Promise<SavedWorkflow> {
  const template = await findVisibleTemplate(deps.db, actor.userId, id);
  let definition = normalizeDefinition(template.template_data as unknown as WorkflowDefinitionInput);
  definition = fillConnections(definition, options.connections ?? {});
  if (options.name) definition.name = options.name;
  const saved = await createWorkflow(deps, actor, definition, {
    auditAction: 'workflow.created_from_template',
    auditDetails: { templateId: template.id, slug: template.slug },
  });
  await deps.db
    .updateTable('workflow_templates')
    .set((eb) => ({ use_count: eb('use_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
  return saved;
}

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'template'}-${randomBytes(4).toString('hex')}`;
}

/** Saves one of the caller's workflows as a template: private unless an admin publishes it. Connections are left out. */
export async function createTemplateFromWorkflow(
  deps: WorkflowDeps,
  actor: Actor & { isAdmin: boolean },
  input: {
    workflowId: string;
    name?: string | undefined;
    description?: string | undefined;
    category: string;
    difficulty?: 'beginner' | 'intermediate' | 'advanced' | undefined;
    isPublic?: boolean | undefined;
  },
): Promise<TemplateView> {
  if (input.isPublic && !actor.isAdmin) {
    throw AppError.invalid([
      { path: 'isPublic', rule: 'admin_only', message: 'only an admin can publish a template to everyone' },
    ]);
  }
  const owned = await deps.db
    .selectFrom('workflows')
    .select('id')
    .where('id', '=', input.workflowId)
    .where('user_id', '=', actor.userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!owned) throw AppError.notFound('Workflow');
  const definition = toExport(await readDraftDefinition(deps.db, input.workflowId))
    .definition as DraftDefinition;
  if (input.name) definition.name = input.name;
  if (input.description) definition.description = input.description;
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('workflow_templates')
      .values({
        slug: slugify(definition.name),
        name: definition.name,
        description: definition.description ?? null,
        category: input.category,
        difficulty: input.difficulty ?? 'beginner',
        required_integrations: servicesOf(definition),
        template_data: JSON.stringify(definition),
        is_public: input.isPublic === true,
        created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'template.created',
      entityType: 'workflow_template',
      entityId: row.id,
      details: { workflowId: input.workflowId, isPublic: row.is_public },
      ...auditOf(actor),
    });
    return templateView(row, actor.userId);
  });
}

/** Deletes a template the caller made (an admin may delete any). */
export async function deleteTemplate(
  deps: WorkflowDeps,
  actor: Actor & { isAdmin: boolean },
  id: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('workflow_templates')
      .where('id', '=', id)
      .$if(!actor.isAdmin, (q) => q.where('created_by', '=', actor.userId))
      .returning(['id', 'slug'])
      .executeTakeFirst();
    if (!row) throw AppError.notFound('Template');
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'template.deleted',
      entityType: 'workflow_template',
      entityId: id,
      details: { slug: row.slug },
      ...auditOf(actor),
    });
  });
}
