import type { Kysely } from 'kysely';
import type { DB, JsonValue } from '../db/types.ts';
import type { ComponentLookup } from './component-lookup.ts';
import type {
  DefinitionEdge,
  DefinitionNode,
  DefinitionTrigger,
  DraftDefinition,
  RetryPolicy,
  WorkflowSettings,
} from './definition.ts';
import { nodeTypeOf } from './definition.ts';

/**
 * The draft graph lives in workflow_nodes / workflow_edges (editable, positions included);
 * these two functions turn it into the definition shape and back.
 */

function retryToRow(retry: RetryPolicy | undefined): JsonValue {
  if (!retry) return {};
  const row: Record<string, JsonValue> = { retry: retry.maxAttempts > 1, max_retries: retry.maxAttempts - 1 };
  if (retry.backoff) row['backoff'] = retry.backoff;
  if (retry.delayMs !== undefined) row['delay_ms'] = retry.delayMs;
  return row;
}

function retryFromRow(value: unknown): RetryPolicy | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const row = value as Record<string, unknown>;
  if (typeof row['max_retries'] !== 'number') return undefined;
  const retry: RetryPolicy = { maxAttempts: row['retry'] === false ? 1 : row['max_retries'] + 1 };
  if (row['backoff'] === 'fixed' || row['backoff'] === 'exponential') retry.backoff = row['backoff'];
  if (typeof row['delay_ms'] === 'number') retry.delayMs = row['delay_ms'];
  return retry;
}

/** Replaces the draft graph of a workflow. Run inside the caller's transaction. */
export async function writeDraftGraph(
  db: Kysely<DB>,
  workflowId: string,
  definition: DraftDefinition,
  components: ComponentLookup,
): Promise<void> {
  await db.deleteFrom('workflow_nodes').where('workflow_id', '=', workflowId).execute();
  const rows = [];
  const t = definition.trigger;
  if (t) {
    rows.push({
      workflow_id: workflowId,
      node_key: t.key,
      node_type: 'trigger' as const,
      component_id: components.component(t.service, t.component)?.id ?? null,
      connection_id: t.connection ?? null,
      label: t.label ?? null,
      ordinal: 0,
      position_x: t.position?.x ?? null,
      position_y: t.position?.y ?? null,
      config: JSON.stringify(t.config),
      error_handling: JSON.stringify({}),
      is_enabled: t.enabled !== false,
    });
  }
  definition.nodes.forEach((n, i) => {
    rows.push({
      workflow_id: workflowId,
      node_key: n.key,
      node_type: nodeTypeOf(n),
      component_id:
        n.service && n.component ? (components.component(n.service, n.component)?.id ?? null) : null,
      connection_id: n.connection ?? null,
      label: n.label ?? null,
      ordinal: i + 1,
      position_x: n.position?.x ?? null,
      position_y: n.position?.y ?? null,
      config: JSON.stringify(n.config),
      error_handling: JSON.stringify(retryToRow(n.retry)),
      is_enabled: n.enabled !== false,
    });
  });
  if (rows.length > 0) await db.insertInto('workflow_nodes').values(rows).execute();
  if (definition.edges.length > 0) {
    await db
      .insertInto('workflow_edges')
      .values(
        definition.edges.map((e, i) => ({
          workflow_id: workflowId,
          source_node_key: e.from,
          target_node_key: e.to,
          edge_type: e.when ?? 'default',
          configuration: JSON.stringify({ ordinal: i }),
        })),
      )
      .execute();
  }
}

/** Reads the draft definition of a workflow (whose ownership the caller checked). */
export async function readDraftDefinition(db: Kysely<DB>, workflowId: string): Promise<DraftDefinition> {
  const workflow = await db
    .selectFrom('workflows')
    .select(['name', 'description', 'tags', 'configuration'])
    .where('id', '=', workflowId)
    .executeTakeFirstOrThrow();
  const nodes = await db
    .selectFrom('workflow_nodes')
    .leftJoin('components', 'components.id', 'workflow_nodes.component_id')
    .leftJoin('services', 'services.id', 'components.service_id')
    .select([
      'workflow_nodes.node_key',
      'workflow_nodes.node_type',
      'workflow_nodes.connection_id',
      'workflow_nodes.label',
      'workflow_nodes.position_x',
      'workflow_nodes.position_y',
      'workflow_nodes.config',
      'workflow_nodes.error_handling',
      'workflow_nodes.is_enabled',
      'components.key as component_key',
      'services.key as service_key',
    ])
    .where('workflow_nodes.workflow_id', '=', workflowId)
    .orderBy('workflow_nodes.ordinal')
    .orderBy('workflow_nodes.node_key')
    .execute();
  const edges = await db
    .selectFrom('workflow_edges')
    .select(['source_node_key', 'target_node_key', 'edge_type', 'configuration'])
    .where('workflow_id', '=', workflowId)
    .execute();

  const definition: DraftDefinition = { name: workflow.name, tags: workflow.tags, nodes: [], edges: [] };
  if (workflow.description !== null) definition.description = workflow.description;
  const settings = workflow.configuration as WorkflowSettings | null;
  if (settings && typeof settings === 'object' && Object.keys(settings).length > 0)
    definition.settings = settings;

  for (const row of nodes) {
    const common = {
      key: row.node_key,
      config: (row.config ?? {}) as Record<string, unknown>,
      ...(row.connection_id ? { connection: row.connection_id } : {}),
      ...(row.label !== null ? { label: row.label } : {}),
      ...(row.position_x !== null && row.position_y !== null
        ? { position: { x: row.position_x, y: row.position_y } }
        : {}),
      ...(row.is_enabled ? {} : { enabled: false }),
    };
    if (row.node_type === 'trigger') {
      const trigger: DefinitionTrigger = {
        ...common,
        service: row.service_key ?? '',
        component: row.component_key ?? '',
      };
      definition.trigger = trigger;
    } else {
      const retry = retryFromRow(row.error_handling);
      const node: DefinitionNode = {
        ...common,
        type: row.node_type,
        ...(row.service_key ? { service: row.service_key } : {}),
        ...(row.component_key ? { component: row.component_key } : {}),
        ...(retry ? { retry } : {}),
      };
      definition.nodes.push(node);
    }
  }
  const ordinal = (c: unknown) =>
    c && typeof c === 'object' && typeof (c as { ordinal?: unknown }).ordinal === 'number'
      ? (c as { ordinal: number }).ordinal
      : Number.MAX_SAFE_INTEGER;
  definition.edges = [...edges]
    .sort((a, b) => ordinal(a.configuration) - ordinal(b.configuration))
    .map(
      (e): DefinitionEdge => ({
        from: e.source_node_key,
        to: e.target_node_key,
        ...(e.edge_type !== 'default' ? { when: e.edge_type } : {}),
      }),
    );
  return definition;
}
