import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/registry.ts';
import type { DB, TriggerMode } from '../db/types.ts';
import type { DraftDefinition } from './definition.ts';

/** What validation needs to know about one component of the catalog. */
export interface ComponentInfo {
  id: string;
  kind: 'trigger' | 'action';
  triggerMode: TriggerMode | null;
  configSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  /** Whether a node of it must name a connection. */
  requiresConnection: boolean;
  /** A flow-control action (the logic service) makes its node a condition, filter or delay. */
  flow: 'condition' | 'filter' | 'delay' | undefined;
}

export interface ServiceInfo {
  id: string;
  requiresAuth: boolean;
}

/** The catalog as validation sees it; the synced `services`/`components` tables are its source. */
export interface ComponentLookup {
  service(serviceKey: string): ServiceInfo | undefined;
  component(serviceKey: string, componentKey: string): ComponentInfo | undefined;
}

/** A connection of the workflow's owner (deleted ones are absent). */
export interface OwnedConnection {
  id: string;
  serviceKey: string;
}

function servicesOf(definition: DraftDefinition): string[] {
  const keys = new Set<string>();
  if (definition.trigger) keys.add(definition.trigger.service);
  for (const node of definition.nodes) if (node.service) keys.add(node.service);
  return [...keys];
}

/**
 * Loads the services (and their active components) a definition names, in two queries. The tables
 * are what the catalog synced (ids, schemas); the in-memory catalog, when given, adds what only
 * the code knows (whether a component needs a connection, its flow kind).
 */
export async function loadComponentLookup(
  db: Kysely<DB>,
  definition: DraftDefinition,
  catalog?: Catalog,
): Promise<ComponentLookup> {
  const serviceKeys = servicesOf(definition);
  const services = new Map<string, ServiceInfo>();
  const components = new Map<string, ComponentInfo>();
  if (serviceKeys.length > 0) {
    const rows = await db
      .selectFrom('services')
      .select(['id', 'key', 'requires_auth'])
      .where('key', 'in', serviceKeys)
      .where('is_active', '=', true)
      .execute();
    for (const row of rows) services.set(row.key, { id: row.id, requiresAuth: row.requires_auth });
    if (rows.length > 0) {
      const comps = await db
        .selectFrom('components')
        .innerJoin('services', 'services.id', 'components.service_id')
        .select([
          'components.id',
          'components.key',
          'components.kind',
          'components.trigger_mode',
          'components.config_schema',
          'components.output_schema',
          'services.key as service_key',
        ])
        .where(
          'components.service_id',
          'in',
          rows.map((r) => r.id),
        )
        .where('components.is_active', '=', true)
        .execute();
      for (const c of comps) {
        const known = catalog?.component(c.service_key, c.key);
        components.set(`${c.service_key}/${c.key}`, {
          requiresConnection: known
            ? known.requiresConnection
            : (services.get(c.service_key)?.requiresAuth ?? false),
          flow: known?.kind === 'action' ? known.flow : undefined,
          id: c.id,
          kind: c.kind,
          triggerMode: c.trigger_mode,
          configSchema: (c.config_schema ?? {}) as Record<string, unknown>,
          outputSchema: (c.output_schema ?? {}) as Record<string, unknown>,
        });
      }
    }
  }
  return {
    service: (key) => services.get(key),
    component: (service, key) => components.get(`${service}/${key}`),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The owner's live connections among those a definition names. */
export async function loadOwnedConnections(
  db: Kysely<DB>,
  userId: string,
  definition: DraftDefinition,
): Promise<Map<string, OwnedConnection>> {
  const ids = [
    ...new Set(
      [definition.trigger?.connection, ...definition.nodes.map((n) => n.connection)].filter(
        (id): id is string => typeof id === 'string' && UUID.test(id),
      ),
    ),
  ];
  const owned = new Map<string, OwnedConnection>();
  if (ids.length === 0) return owned;
  const rows = await db
    .selectFrom('connections')
    .innerJoin('services', 'services.id', 'connections.service_id')
    .select(['connections.id', 'services.key as service_key'])
    .where('connections.id', 'in', ids)
    .where('connections.user_id', '=', userId)
    .where('connections.deleted_at', 'is', null)
    .execute();
  for (const row of rows) owned.set(row.id, { id: row.id, serviceKey: row.service_key });
  return owned;
}
