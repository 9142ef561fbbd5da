import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServices } from '../integrations/core-services.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createCatalog } from './registry.ts';
import { syncCatalog } from './sync-catalog.ts';
import { createSchemaAjv } from './validate-services.ts';

const CORE = ['schedule', 'webhook', 'manual', 'http', 'logic', 'transform', 'email'];

describe('the catalog', () => {
  it('holds every core service with schemas Ajv compiles and samples that match their output', () => {
    const catalog = createCatalog(coreServices);
    expect(catalog.services().map((s) => s.key)).toEqual(expect.arrayContaining(CORE));
    const ajv = createSchemaAjv();
    for (const service of catalog.services()) {
      ajv.compile(service.authSchema);
      for (const component of service.components) {
        ajv.compile(component.configSchema);
        const output = ajv.compile(component.outputSchema);
        expect(output(component.sampleOutput), `${component.ref}: ${ajv.errorsText(output.errors)}`).toBe(
          true,
        );
      }
    }
    expect(catalog.component('http', 'request')?.kind).toBe('action');
    expect(catalog.componentByRef('schedule.cron')?.mode).toBe('schedule');
    expect(catalog.componentByRef('logic.condition')?.flow).toBe('condition');
  });

  it('rejects duplicate keys and samples that do not match', () => {
    const [first] = coreServices;
    expect(() => createCatalog([first!, first!])).toThrow(/duplicate key/);
    const broken = {
      ...first!,
      key: 'broken',
      name: 'Broken',
      triggers: [{ ...first!.triggers[0]!, sampleOutput: { firedAt: 12 } }],
    };
    expect(() => createCatalog([broken])).toThrow(/sampleOutput does not match/);
    // A check that failed is not remembered: the next start reports it again.
    expect(() => createCatalog([broken])).toThrow(/sampleOutput does not match/);
  });

  it('emits required, placeholder, pattern and display order', () => {
    const schema = createCatalog(coreServices).componentByRef('schedule.daily_at')!.configSchema as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.required).toEqual(['time']);
    expect(schema.properties['time']).toMatchObject({ placeholder: '09:00', 'x-order': 0, type: 'string' });
    expect(schema.properties['time']!['pattern']).toBeTypeOf('string');
    expect(schema.properties['timezone']).toMatchObject({ 'x-order': 1, default: 'UTC' });
  });
});

describe('the catalog sync', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes services, components and templates, and records their ids', async () => {
    const services = await t.ctx.db.selectFrom('services').select(['key', 'id', 'is_active']).execute();
    expect(services.map((s) => s.key)).toEqual(expect.arrayContaining(CORE));
    const request = t.ctx.catalog.component('http', 'request')!;
    expect(request.id).toBeTypeOf('string');
    expect(t.ctx.catalog.componentById(request.id!)).toBe(request);
    const row = await t.ctx.db
      .selectFrom('components')
      .selectAll()
      .where('id', '=', request.id!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'action', key: 'request', is_active: true, trigger_mode: null });
    const templates = await t.ctx.db.selectFrom('integration_templates').select('template_name').execute();
    expect(templates.length).toBeGreaterThanOrEqual(CORE.length);
  });

  it('marks a component dropped from the code inactive and keeps its row', async () => {
    const logic = coreServices.find((s) => s.key === 'logic')!;
    const without = coreServices.map((s) =>
      s.key === 'logic' ? { ...logic, actions: logic.actions.filter((a) => a.key !== 'delay') } : s,
    );
    const catalog = createCatalog(without);
    await syncCatalog(t.ctx.db, catalog);
    const delay = await t.ctx.db
      .selectFrom('components')
      .innerJoin('services', 'services.id', 'components.service_id')
      .select(['components.is_active'])
      .where('services.key', '=', 'logic')
      .where('components.key', '=', 'delay')
      .executeTakeFirstOrThrow();
    expect(delay.is_active).toBe(false);
    await syncCatalog(t.ctx.db, createCatalog(coreServices));
    const again = await t.ctx.db
      .selectFrom('components')
      .select('is_active')
      .where('id', '=', t.ctx.catalog.componentByRef('logic.delay')!.id!)
      .executeTakeFirstOrThrow();
    expect(again.is_active).toBe(true);
  });

  it('writes nothing when the catalog is unchanged, and only the rows that changed otherwise', async () => {
    // xmin names the transaction that wrote a row version: it changes with every update.
    const written = sql<string>`xmin::text`;
    const stamps = async () => {
      const rows = await t.ctx.db
        .selectFrom('components')
        .innerJoin('services', 'services.id', 'components.service_id')
        .select([
          'services.key as service',
          'components.key',
          sql<string>`components.xmin::text`.as('version'),
          'components.description',
        ])
        .execute();
      const services = await t.ctx.db
        .selectFrom('services')
        .select(['key', written.as('version')])
        .execute();
      const templates = await t.ctx.db
        .selectFrom('integration_templates')
        .select(['id', written.as('version')])
        .execute();
      return {
        components: new Map(rows.map((r) => [`${r.service}.${r.key}`, r])),
        services: new Map(services.map((r) => [r.key, r.version])),
        templates: new Map(templates.map((r) => [r.id, r.version])),
      };
    };
    await syncCatalog(t.ctx.db, t.ctx.catalog);
    const before = await stamps();
    await syncCatalog(t.ctx.db, t.ctx.catalog);
    const unchanged = await stamps();
    expect(unchanged.services).toEqual(before.services);
    expect(unchanged.templates).toEqual(before.templates);
    expect([...unchanged.components].map(([ref, r]) => [ref, r.version])).toEqual(
      [...before.components].map(([ref, r]) => [ref, r.version]),
    );

    const http = t.ctx.catalog.service('http')!.definition;
    const renamed = t.ctx.catalog
      .services()
      .map((s) => s.definition)
      .map((s) =>
        s.key === 'http'
          ? {
              ...http,
              actions: http.actions.map((a) =>
                a.key === 'request' ? { ...a, description: 'Sends one.' } : a,
              ),
            }
          : s,
      );
    const catalog = createCatalog(renamed);
    await syncCatalog(t.ctx.db, catalog);
    const after = await stamps();
    expect(after.components.get('http.request')?.description).toBe('Sends one.');
    expect(catalog.componentByRef('http.request')!.id).toBe(t.ctx.catalog.componentByRef('http.request')!.id);
    const rewritten = [...after.components].filter(
      ([ref, r]) => r.version !== before.components.get(ref)?.version,
    );
    expect(rewritten.map(([ref]) => ref)).toEqual(['http.request']);
    expect(after.services).toEqual(before.services);
    await syncCatalog(t.ctx.db, t.ctx.catalog);
  });
  it('keeps a fingerprint with the rows: the same catalog is not read again, a changed one is put right', async () => {
    const description = async () =>
      (
        await t.ctx.db
          .selectFrom('components')
          .select('description')
          .where('id', '=', t.ctx.catalog.componentByRef('http.request')!.id!)
          .executeTakeFirstOrThrow()
      ).description;
    await syncCatalog(t.ctx.db, t.ctx.catalog);
    const declared = await description();
    const fingerprints = await t.ctx.db.selectFrom('sync_fingerprints').select('name').execute();
    expect(fingerprints.map((f) => f.name)).toEqual(expect.arrayContaining(['catalog', 'catalog/http']));

    // Rows changed behind the code's back are not looked at while the fingerprint matches...
    await t.ctx.db
      .updateTable('components')
      .set({ description: 'changed by hand' })
      .where('id', '=', t.ctx.catalog.componentByRef('http.request')!.id!)
      .execute();
    const same = createCatalog(t.ctx.catalog.services().map((s) => s.definition));
    await syncCatalog(t.ctx.db, same);
    expect(await description()).toBe('changed by hand');
    expect(same.componentByRef('http.request')!.id).toBe(t.ctx.catalog.componentByRef('http.request')!.id);

    // ...and a catalog that differs in another service rewrites only that service's rows.
    const logic = t.ctx.catalog.service('logic')!.definition;
    const renamed = t.ctx.catalog
      .services()
      .map((s) => (s.key === 'logic' ? { ...logic, description: 'Branches and waits.' } : s.definition));
    await syncCatalog(t.ctx.db, createCatalog(renamed));
    expect(await description()).toBe('changed by hand');
    const logicRow = await t.ctx.db
      .selectFrom('services')
      .select('description')
      .where('key', '=', 'logic')
      .executeTakeFirstOrThrow();
    expect(logicRow.description).toBe('Branches and waits.');

    // A lost fingerprint means the rows are compared again and the declared catalog written.
    await t.ctx.db.deleteFrom('sync_fingerprints').where('name', '=', 'catalog/http').execute();
    await syncCatalog(t.ctx.db, t.ctx.catalog);
    expect(await description()).toBe(declared);
    const back = await t.ctx.db
      .selectFrom('services')
      .select('description')
      .where('key', '=', 'logic')
      .executeTakeFirstOrThrow();
    expect(back.description).toBe(logic.description);
  });

  it('retires a service the code no longer declares and brings it back whole when declared again', async () => {
    const active = async () =>
      t.ctx.db
        .selectFrom('components')
        .innerJoin('services', 'services.id', 'components.service_id')
        .select(['services.is_active as service', 'components.is_active as component'])
        .where('services.key', '=', 'transform')
        .execute();
    const definitions = t.ctx.catalog.services().map((s) => s.definition);
    await syncCatalog(t.ctx.db, createCatalog(definitions.filter((d) => d.key !== 'transform')));
    const retired = await active();
    expect(retired.length).toBeGreaterThan(0);
    expect(retired.every((r) => !r.service && !r.component)).toBe(true);
    const fingerprints = await t.ctx.db.selectFrom('sync_fingerprints').select('name').execute();
    expect(fingerprints.map((f) => f.name)).not.toContain('catalog/transform');

    const again = createCatalog(definitions);
    await syncCatalog(t.ctx.db, again);
    const back = await active();
    expect(back.length).toBe(retired.length);
    expect(back.every((r) => r.service && r.component)).toBe(true);
    expect(again.componentByRef('transform.build')!.id).toBe(
      t.ctx.catalog.componentByRef('transform.build')!.id,
    );
  });
});
