import { type Insertable, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import {
  fingerprintOf,
  forgetFingerprints,
  recordFingerprints,
  storedFingerprints,
} from '../db/sync-fingerprints.ts';
import type { DB, JsonValue } from '../db/types.ts';
import { uuidv7 } from '../lib/uuid.ts';
import { requiresAuth, storedAuthType } from './auth-options.ts';
import type { Catalog, CatalogService } from './registry.ts';

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * New rows get their id here: the tables' default (a PL/pgSQL function) made the first sync of an
 * embedded database load PL/pgSQL, about 75 ms of that start. An existing row keeps its id (the
 * upsert does not set it).
 */
const withIds = <R extends object>(rows: readonly R[]) => rows.map((row) => ({ id: uuidv7(), ...row }));

type Trx = Transaction<DB>;
type ServiceRow = Insertable<DB['services']>;
type ComponentRow = Insertable<DB['components']>;
type TemplateRow = Insertable<DB['integration_templates']>;

/** The rows one service declares (its components' and templates' without the service's id). */
interface DeclaredService {
  key: string;
  row: ServiceRow;
  components: { ref: string; row: Omit<ComponentRow, 'service_id'> }[];
  templates: Omit<TemplateRow, 'service_id'>[];
  /** Of the rows above. */
  fingerprint: string;
}

interface CatalogIds {
  services: Map<string, string>;
  components: Map<string, string>;
}

/** Fingerprint names: the whole catalog, and each service with its components and templates. */
const CATALOG = 'catalog';
const serviceFingerprint = (key: string) => `${CATALOG}/${key}`;

/**
 * Writes the catalog into services, components and integration_templates (upsert by key) and records
 * the database ids in the catalog. What the code no longer declares is marked inactive, never deleted:
 * workflow nodes keep pointing at it (components.id is referenced with ON DELETE RESTRICT).
 * An advisory lock makes processes starting together sync one after the other.
 *
 * The rows are written with fingerprints of what the code declared (sync-fingerprints.ts), one of the
 * whole catalog and one per service. A start that declares the same catalog (every start but the first
 * after an upgrade) only reads the ids. Otherwise the rows of the services whose fingerprint changed
 * are read and only those that differ are written, in one statement per table: writing every row one
 * by one took most of a second on the embedded database, and reading every row's JSON 0.1-0.2 s.
 */
export async function syncCatalog(db: Kysely<DB>, catalog: Catalog): Promise<void> {
  const declared = catalog.services().map(declaredService);
  const fingerprint = fingerprintOf(declared.map((service) => [service.key, service.fingerprint]));
  const stored = await storedFingerprints(db, CATALOG);
  const unchanged = stored.get(CATALOG) === fingerprint ? await storedIds(db, declared) : undefined;
  const ids =
    unchanged ??
    (await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('area.catalog-sync'))`.execute(trx);
      // Read again under the lock: a process starting at the same time may have just synced.
      const current = await storedFingerprints(trx, CATALOG);
      const { ids, changed } = await syncRows(trx, declared, current);
      const declaredNames = new Set(declared.map((service) => serviceFingerprint(service.key)));
      await forgetFingerprints(
        trx,
        [...current.keys()].filter((name) => name !== CATALOG && !declaredNames.has(name)),
      );
      await recordFingerprints(
        trx,
        new Map([
          ...changed.map((service) => [serviceFingerprint(service.key), service.fingerprint] as const),
          [CATALOG, fingerprint],
        ]),
      );
      return ids;
    }));
  catalog.setIds(ids);
}

function declaredService(service: CatalogService): DeclaredService {
  const def = service.definition;
  const rows = {
    key: service.key,
    row: {
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
    },
    components: service.components.map((component) => ({
      ref: component.ref,
      row: {
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
      },
    })),
    templates: (def.templates ?? []).map((template) => ({
      template_name: template.name,
      description: template.description,
      configuration: json(template.configuration ?? {}),
      required_scopes: [...(template.requiredScopes ?? [])],
      setup_guide: template.setupGuide ?? null,
      is_active: true,
    })),
  };
  return { ...rows, fingerprint: fingerprintOf(rows) };
}

/** Every service and component, without the JSON columns. */
async function storedKeys(db: Kysely<DB> | Trx) {
  const services = await db.selectFrom('services').select(['id', 'key', 'is_active']).execute();
  const components = await db
    .selectFrom('components')
    .select(['id', 'service_id', 'key', 'is_active'])
    .execute();
  return { services, components };
}

type StoredKeys = Awaited<ReturnType<typeof storedKeys>>;

/** The ids of a service's rows and its components' by ref, if they are all there and active. */
function activeIds(
  stored: StoredKeys,
  service: DeclaredService,
): { service: string; components: Map<string, string> } | undefined {
  const row = stored.services.find((r) => r.key === service.key);
  if (!row?.is_active) return undefined;
  const components = new Map<string, string>();
  for (const { ref, row: component } of service.components) {
    const found = stored.components.find((r) => r.service_id === row.id && r.key === component.key);
    if (!found?.is_active) return undefined;
    components.set(ref, found.id);
  }
  return { service: row.id, components };
}

/**
 * The ids of the declared services and components, read when the stored rows are known to be the
 * declared ones; undefined when one is missing all the same (then the catalog is synced).
 */
async function storedIds(
  db: Kysely<DB>,
  declared: readonly DeclaredService[],
): Promise<CatalogIds | undefined> {
  const stored = await storedKeys(db);
  const services = new Map(stored.services.map((row) => [row.key, row.id]));
  const components = new Map<string, string>();
  for (const service of declared) {
    const ids = activeIds(stored, service);
    if (!ids) return undefined;
    for (const [ref, id] of ids.components) components.set(ref, id);
  }
  return { services, components };
}

/**
 * Writes the rows that differ from what is stored, of the services whose fingerprint changed (or
 * whose rows are missing or retired), retires the services and components the code no longer
 * declares, and returns every declared id and the services it looked at.
 */
async function syncRows(
  trx: Trx,
  declared: readonly DeclaredService[],
  fingerprints: Map<string, string>,
): Promise<{ ids: CatalogIds; changed: DeclaredService[] }> {
  const stored = await storedKeys(trx);
  const changed = declared.filter(
    (service) =>
      fingerprints.get(serviceFingerprint(service.key)) !== service.fingerprint ||
      !activeIds(stored, service),
  );
  const serviceIds = new Map(stored.services.map((row) => [row.key, row.id]));
  for (const [key, id] of await syncServices(trx, changed)) serviceIds.set(key, id);
  const componentIds = new Map(stored.components.map((row) => [`${row.service_id}/${row.key}`, row.id]));
  for (const [key, id] of await syncComponents(trx, changed, serviceIds)) componentIds.set(key, id);
  await syncTemplates(trx, changed, serviceIds);

  const declaredKeys = new Set(declared.map((service) => service.key));
  const retiredServices = stored.services.filter((row) => row.is_active && !declaredKeys.has(row.key));
  await retire(trx, 'services', retiredServices);
  // Every other active component: dropped from its service, or of a retired service.
  const wanted = new Set(
    declared.flatMap((service) =>
      service.components.map((component) => `${serviceIds.get(service.key)}/${component.row.key}`),
    ),
  );
  const retiredComponents = stored.components.filter(
    (row) => row.is_active && !wanted.has(`${row.service_id}/${row.key}`),
  );
  await retire(trx, 'components', retiredComponents);

  const components = new Map<string, string>();
  for (const service of declared) {
    for (const { ref, row } of service.components) {
      const id = componentIds.get(`${serviceIds.get(service.key)}/${row.key}`);
      if (id) components.set(ref, id);
    }
  }
  return { ids: { services: serviceIds, components }, changed };
}

/** Marks the given rows inactive (a retired service or component stays for the runs that used it). */
async function retire(
  trx: Trx,
  table: 'services' | 'components',
  rows: readonly { id: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .updateTable(table)
    .set({ is_active: false })
    .where(
      'id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();
}

/** Upserts the services whose row differs from the stored one; returns the ids written, by key. */
async function syncServices(trx: Trx, changed: readonly DeclaredService[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (changed.length === 0) return ids;
  const stored = await trx
    .selectFrom('services')
    .selectAll()
    .where(
      'key',
      'in',
      changed.map((service) => service.key),
    )
    .execute();
  const byKey = new Map(stored.map((row) => [row.key, row]));
  const rows = changed
    .map((service) => service.row)
    .filter((row) => differs(row, byKey.get(row.key), ['auth_schema']));
  if (rows.length === 0) return ids;
  const written = await trx
    .insertInto('services')
    .values(withIds(rows))
    .onConflict((oc) => oc.column('key').doUpdateSet(fromExcluded(rows[0]!)))
    .returning(['id', 'key'])
    .execute();
  for (const row of written) ids.set(row.key, row.id);
  return ids;
}

/**
 * Upserts the components of the changed services whose row differs from the stored one; returns the
 * ids written, by `service id/component key`.
 */
async function syncComponents(
  trx: Trx,
  changed: readonly DeclaredService[],
  serviceIds: Map<string, string>,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (changed.length === 0) return ids;
  const stored = await trx
    .selectFrom('components')
    .selectAll()
    .where('service_id', 'in', idsOf(changed, serviceIds))
    .execute();
  const byServiceAndKey = new Map(stored.map((row) => [`${row.service_id}/${row.key}`, row]));
  const rows: ComponentRow[] = [];
  for (const service of changed) {
    for (const component of service.components) {
      const row = { service_id: serviceIds.get(service.key)!, ...component.row };
      if (differs(row, byServiceAndKey.get(`${row.service_id}/${row.key}`), JSON_COMPONENT_COLUMNS))
        rows.push(row);
    }
  }
  if (rows.length === 0) return ids;
  const written = await trx
    .insertInto('components')
    .values(withIds(rows))
    .onConflict((oc) => oc.columns(['service_id', 'key']).doUpdateSet(fromExcluded(rows[0]!)))
    .returning(['id', 'service_id', 'key'])
    .execute();
  for (const row of written) ids.set(`${row.service_id}/${row.key}`, row.id);
  return ids;
}

/** The ids of the given services. */
const idsOf = (services: readonly DeclaredService[], serviceIds: Map<string, string>) =>
  services.map((service) => serviceIds.get(service.key)!);

const JSON_COMPONENT_COLUMNS = ['config_schema', 'output_schema', 'sample_output'];

/** Upserts the changed services' connection templates that differ from their rows (undeclared ones are kept). */
async function syncTemplates(
  trx: Trx,
  changed: readonly DeclaredService[],
  serviceIds: Map<string, string>,
): Promise<void> {
  if (changed.length === 0) return;
  const stored = await trx
    .selectFrom('integration_templates')
    .selectAll()
    .where('service_id', 'in', idsOf(changed, serviceIds))
    .execute();
  const byServiceAndName = new Map(stored.map((row) => [`${row.service_id}/${row.template_name}`, row]));
  const rows = changed
    .flatMap((service) =>
      service.templates.map((template) => ({ service_id: serviceIds.get(service.key)!, ...template })),
    )
    .filter((row) =>
      differs(row, byServiceAndName.get(`${row.service_id}/${row.template_name}`), ['configuration']),
    );
  if (rows.length === 0) return;
  await trx
    .insertInto('integration_templates')
    .values(withIds(rows))
    .onConflict((oc) => oc.columns(['service_id', 'template_name']).doUpdateSet(fromExcluded(rows[0]!)))
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
