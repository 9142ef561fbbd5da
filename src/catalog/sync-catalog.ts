import { type Kysely, sql } from 'kysely';
import type { DB, JsonValue } from '../db/types.ts';
import { requiresAuth, storedAuthType } from './auth-options.ts';
import type { Catalog } from './registry.ts';

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Writes the catalog into services, components and integration_templates (upsert by key) and records
 * the database ids in the catalog. What the code no longer declares is marked inactive, never deleted:
 * workflow nodes keep pointing at it (components.id is referenced with ON DELETE RESTRICT).
 * An advisory lock makes processes starting together sync one after the other.
 */
export async function syncCatalog(db: Kysely<DB>, catalog: Catalog): Promise<void> {
  const ids = await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('area.catalog-sync'))`.execute(trx);
    const services = new Map<string, string>();
    const components = new Map<string, string>();
    for (const service of catalog.services()) {
      const def = service.definition;
      const values = {
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
      const { id: serviceId } = await trx
        .insertInto('services')
        .values(values)
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .returning('id')
        .executeTakeFirstOrThrow();
      services.set(def.key, serviceId);

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
        const { id } = await trx
          .insertInto('components')
          .values(row)
          .onConflict((oc) => oc.columns(['service_id', 'key']).doUpdateSet(row))
          .returning('id')
          .executeTakeFirstOrThrow();
        components.set(component.ref, id);
      }
      const keys = service.components.map((c) => c.key);
      await trx
        .updateTable('components')
        .set({ is_active: false })
        .where('service_id', '=', serviceId)
        .$if(keys.length > 0, (q) => q.where('key', 'not in', keys))
        .where('is_active', '=', true)
        .execute();

      for (const template of def.templates ?? []) {
        const t = {
          service_id: serviceId,
          template_name: template.name,
          description: template.description,
          configuration: json(template.configuration ?? {}),
          required_scopes: [...(template.requiredScopes ?? [])],
          setup_guide: template.setupGuide ?? null,
          is_active: true,
        };
        await trx
          .insertInto('integration_templates')
          .values(t)
          .onConflict((oc) => oc.columns(['service_id', 'template_name']).doUpdateSet(t))
          .execute();
      }
    }
    const serviceKeys = [...services.keys()];
    const gone = await trx
      .updateTable('services')
      .set({ is_active: false })
      .$if(serviceKeys.length > 0, (q) => q.where('key', 'not in', serviceKeys))
      .where('is_active', '=', true)
      .returning('id')
      .execute();
    if (gone.length > 0) {
      await trx
        .updateTable('components')
        .set({ is_active: false })
        .where(
          'service_id',
          'in',
          gone.map((g) => g.id),
        )
        .execute();
    }
    return { services, components };
  });
  catalog.setIds(ids);
}
