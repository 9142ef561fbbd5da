import { type Insertable, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB, JsonValue } from '../db/types.ts';
import { requiresAuth, storedAuthType } from './auth-options.ts';
import type { Catalog, CatalogService } from './registry.ts';

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Writes the catalog into services, components and integration_templates (upsert by key) and records
 * the database ids in the catalog. What the code no longer declares is marked inactive, never deleted:
 * workflow nodes keep pointing at it (components.id is referenced with ON DELETE RESTRICT).
 * An advisory lock makes processes starting together sync one after the other.
 *
 * The stored rows are read first and only those that differ are written, in one statement per table:
 * a start with an unchanged catalog (every start but the first after an upgrade) reads three tables
 * and writes nothing, where writing every row one by one took most of a second on the embedded database.
 */
export async function syncCatalog(db: Kysely<DB>, catalog: Catalog): Promise<void> {
  const ids = await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('area.catalog-sync'))`.execute(trx);
    const services = await syncServices(trx, catalog.services());
    const components = await syncComponents(trx, catalog.services(), services);
    await syncTemplates(trx, catalog.services(), services);
    return { services, components };
  });
  catalog.setIds(ids);
}

type Trx = Transaction<DB>;
type ComponentRow = Insertable<DB['components']>;

/** Upserts the declared services that differ from their rows, retires the others; returns id by key. */
async function syncServices(trx: Trx, declared: readonly CatalogService[]): Promise<Map<string, string>> {
  const stored = await trx.selectFrom('services').selectAll().execute();
  const byKey = new Map(stored.map((row) => [row.key, row]));
  const ids = new Map(stored.map((row) => [row.key, row.id]));
  const changed = declared
    .map((service) => {
      const def = service.definition;
      return {
        key: def.key,
        name: def.name,
        description: def.description,
        icon_url: def.icon,
        category: def.category,
        requires_auth: requiresAuth(def),
        auth_type: storedAuthType(def),
        auth_schema: json(service.authSchema),
        docs_url: def.docsUrl ?? null,
        is_active: true,
      };
    })
    .filter((row) => differs(row, byKey.get(row.key), ['auth_schema']));
  if (changed.length > 0) {
    const written = await trx
      .insertInto('services')
      .values(changed)
      .onConflict((oc) => oc.column('key').doUpdateSet(fromExcluded(changed[0]!)))
      .returning(['id', 'key'])
      .execute();
    for (const row of written) ids.set(row.key, row.id);
  }
  const declaredKeys = new Set(declared.map((s) => s.key));
  const retired = stored.filter((row) => row.is_active && !declaredKeys.has(row.key)).map((row) => row.id);
  if (retired.length > 0)
    await trx.updateTable('services').set({ is_active: false }).where('id', 'in', retired).execute();
  return ids;
}

/**
 * Upserts the declared components that differ from their rows and retires every other active one
 * (dropped from its service, or of a retired service); returns id by `service.component`.
 */
async function syncComponents(
  trx: Trx,
  declared: readonly CatalogService[],
  serviceIds: Map<string, string>,
): Promise<Map<string, string>> {
  const stored = await trx.selectFrom('components').selectAll().execute();
  const byServiceAndKey = new Map(stored.map((row) => [`${row.service_id}/${row.key}`, row]));
  const ids = new Map<string, string>();
  const wanted = new Set<string>();
  const changed: ComponentRow[] = [];
  for (const service of declared) {
    const serviceId = serviceIds.get(service.key)!;
    for (const component of service.components) {
      const row = {
        service_id: serviceId,
        key: component.key,
        kind: component.kind,
        name: component.name,
        description: component.description,
        trigger_mode: component.mode ?? null,
        webhook_endpoint: null,
        polling_interval:
          component.kind === 'trigger' && component.definition.mode === 'polling'
            ? component.definition.polling.intervalSeconds
            : null,
        config_schema: json(component.configSchema),
        output_schema: json(component.outputSchema),
        sample_output: json(component.sampleOutput as JsonValue),
        is_active: true,
      };
      const existing = byServiceAndKey.get(`${serviceId}/${component.key}`);
      wanted.add(`${serviceId}/${component.key}`);
      if (existing) ids.set(component.ref, existing.id);
      if (differs(row, existing, ['config_schema', 'output_schema', 'sample_output'])) changed.push(row);
    }
  }
  if (changed.length > 0) {
    const written = await trx
      .insertInto('components')
      .values(changed)
      .onConflict((oc) => oc.columns(['service_id', 'key']).doUpdateSet(fromExcluded(changed[0]!)))
      .returning(['id', 'service_id', 'key'])
      .execute();
    const keyOfService = new Map([...serviceIds].map(([key, id]) => [id, key]));
    for (const row of written) ids.set(`${keyOfService.get(row.service_id)}.${row.key}`, row.id);
  }
  const retired = stored
    .filter((row) => row.is_active && !wanted.has(`${row.service_id}/${row.key}`))
    .map((row) => row.id);
  if (retired.length > 0)
    await trx.updateTable('components').set({ is_active: false }).where('id', 'in', retired).execute();
  return ids;
}

/** Upserts the declared connection templates that differ from their rows (undeclared ones are kept). */
async function syncTemplates(
  trx: Trx,
  declared: readonly CatalogService[],
  serviceIds: Map<string, string>,
): Promise<void> {
  const stored = await trx.selectFrom('integration_templates').selectAll().execute();
  const byServiceAndName = new Map(stored.map((row) => [`${row.service_id}/${row.template_name}`, row]));
  const changed = declared.flatMap((service) =>
    (service.definition.templates ?? [])
      .map((template) => ({
        service_id: serviceIds.get(service.key)!,
        template_name: template.name,
        description: template.description,
        configuration: json(template.configuration ?? {}),
        required_scopes: [...(template.requiredScopes ?? [])],
        setup_guide: template.setupGuide ?? null,
        is_active: true,
      }))
      .filter((row) =>
        differs(row, byServiceAndName.get(`${row.service_id}/${row.template_name}`), ['configuration']),
      ),
  );
  if (changed.length === 0) return;
  await trx
    .insertInto('integration_templates')
    .values(changed)
    .onConflict((oc) => oc.columns(['service_id', 'template_name']).doUpdateSet(fromExcluded(changed[0]!)))
    .execute();
}

/** `SET column = EXCLUDED.column` for every column of the row. */
function fromExcluded<R extends object>(row: R): { [K in keyof R]: RawBuilder<R[K]> } {
  return Object.fromEntries(Object.keys(row).map((column) => [column, sql.ref(`excluded.${column}`)])) as {
    [K in keyof R]: RawBuilder<R[K]>;
  };
}

/**
 * Whether the row to write differs from the stored one. `jsonColumns` hold JSON text on the way in and
 * parsed values on the way out, and jsonb does not keep key order: those are compared as canonical JSON.
 */
function differs(
  row: Record<string, unknown>,
  stored: object | undefined,
  jsonColumns: readonly string[],
): boolean {
  if (!stored) return true;
  const current = stored as Record<string, unknown>;
  return Object.entries(row).some(([column, value]) =>
    jsonColumns.includes(column)
      ? canonical(JSON.parse(value as string)) !== canonical(current[column])
      : canonical(value ?? null) !== canonical(current[column] ?? null),
  );
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
