import { type Static, Type } from 'typebox';
import { AppError } from '../http/errors.ts';
import { type DraftDefinition, normalizeDefinition, WorkflowDefinitionInput } from './definition.ts';
import { readDraftDefinition } from './graph-store.ts';
import { type Actor, createWorkflow, type SavedWorkflow, type WorkflowDeps } from './save-workflow.ts';

export const EXPORT_FORMAT = 'area.workflow';
export const EXPORT_FORMAT_VERSION = 1;

/** A connection the importer must provide: the export never carries credentials or connection ids. */
export const RequiredConnection = Type.Object({
  /** The trigger's or a node's key. */
  node: Type.String(),
  service: Type.String(),
});
export type RequiredConnection = Static<typeof RequiredConnection>;

export const WorkflowExport = Type.Object({
  format: Type.Literal(EXPORT_FORMAT),
  formatVersion: Type.Integer(),
  exportedAt: Type.String(),
  definition: WorkflowDefinitionInput,
  requiredConnections: Type.Array(RequiredConnection),
});
export type WorkflowExport = Static<typeof WorkflowExport>;

/** What import accepts: an export document as is, plus the connections to use. */
export const WorkflowImport = Type.Object({
  format: Type.Optional(Type.Literal(EXPORT_FORMAT)),
  formatVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPORT_FORMAT_VERSION })),
  exportedAt: Type.Optional(Type.String()),
  definition: WorkflowDefinitionInput,
  requiredConnections: Type.Optional(Type.Array(RequiredConnection)),
  /** Connection ids of the importer, by node key or by service key (a node key wins). */
  connections: Type.Optional(Type.Record(Type.String(), Type.String({ format: 'uuid' }))),
  /** A new name for the imported workflow. */
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
export type WorkflowImport = Static<typeof WorkflowImport>;

/** Drops connection ids (they mean nothing to another owner or instance) and lists what they were for. */
export function toExport(definition: DraftDefinition): WorkflowExport {
  const requiredConnections: RequiredConnection[] = [];
  const strip = <T extends { key: string; service?: string; connection?: string }>(step: T): T => {
    const { connection, ...rest } = step;
    if (connection && step.service) requiredConnections.push({ node: step.key, service: step.service });
    return rest as T;
  };
  const exported: DraftDefinition = { ...definition, nodes: definition.nodes.map(strip) };
  if (definition.trigger) exported.trigger = strip(definition.trigger);
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    definition: exported,
    requiredConnections,
  };
}

export async function exportWorkflow(
  deps: WorkflowDeps,
  userId: string,
  id: string,
): Promise<WorkflowExport> {
  const owned = await deps.db
    .selectFrom('workflows')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!owned) throw AppError.notFound('Workflow');
  return toExport(await readDraftDefinition(deps.db, id));
}

/** Fills each step's connection from the importer's map (node key first, then service). */
export function fillConnections(
  definition: DraftDefinition,
  connections: Record<string, string>,
): DraftDefinition {
  const fill = <T extends { key: string; service?: string; connection?: string }>(step: T): T => {
    const id = connections[step.key] ?? (step.service ? connections[step.service] : undefined);
    return id ? { ...step, connection: id } : step;
  };
  const filled: DraftDefinition = { ...definition, nodes: definition.nodes.map(fill) };
  if (definition.trigger) filled.trigger = fill(definition.trigger);
  return filled;
}

/** Creates a draft from an export document; connections still missing come back as warnings. */
export async function importWorkflow(
  deps: WorkflowDeps,
  actor: Actor,
  body: WorkflowImport,
): Promise<SavedWorkflow> {
  let definition = normalizeDefinition(body.definition);
  // An exported definition carries no connection ids; one that does is not trusted with them.
  definition = fillConnections(stripConnections(definition), body.connections ?? {});
  if (body.name) definition.name = body.name;
  return createWorkflow(deps, actor, definition, { auditAction: 'workflow.imported' });
}

function stripConnections(definition: DraftDefinition): DraftDefinition {
  const strip = <T extends { connection?: string }>(step: T): T => {
    const { connection: _drop, ...rest } = step;
    return rest as T;
  };
  const out: DraftDefinition = { ...definition, nodes: definition.nodes.map(strip) };
  if (definition.trigger) out.trigger = strip(definition.trigger);
  return out;
}
