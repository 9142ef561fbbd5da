import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { createSchemaAjv } from './validate-services.ts';

const CORE = ['schedule', 'webhook', 'manual', 'http', 'logic', 'transform', 'email'];

interface Detail {
  key: string;
  authSchema: object;
  components: {
    ref: string;
    kind: string;
    configSchema: object;
    outputSchema: object;
    sampleOutput: unknown;
    id: string | null;
  }[];
  templates: { name: string }[];
}

describe('catalog API', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    user = await createTestUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every core service and needs a signed-in caller', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/services', headers: user.headers });
    expect(res.statusCode).toBe(200);
    const keys = res.json<{ items: { key: string }[] }>().items.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(CORE));
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/services' })).statusCode).toBe(401);
  });

  it('searches, filters by category and pages', async () => {
    const search = await t.server.inject({
      method: 'GET',
      url: '/api/v1/services?search=SMTP',
      headers: user.headers,
    });
    expect(search.json<{ items: { key: string }[] }>().items.map((s) => s.key)).toEqual(['email']);
    const core = await t.server.inject({
      method: 'GET',
      url: '/api/v1/services?category=core&limit=3',
      headers: user.headers,
    });
    const page1 = core.json<{ items: { key: string; category: string }[]; nextCursor: string }>();
    expect(page1.items).toHaveLength(3);
    expect(page1.items.every((s) => s.category === 'core')).toBe(true);
    const page2 = await t.server.inject({
      method: 'GET',
      url: `/api/v1/services?category=core&limit=3&cursor=${page1.nextCursor}`,
      headers: user.headers,
    });
    const keys2 = page2.json<{ items: { key: string }[] }>().items.map((s) => s.key);
    expect(keys2.some((k) => page1.items.map((s) => s.key).includes(k))).toBe(false);
    expect(
      (
        await t.server.inject({
          method: 'GET',
          url: '/api/v1/services?category=nothing',
          headers: user.headers,
        })
      ).json(),
    ).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('answers every component with valid parameter and output schemas and a matching sample', async () => {
    const ajv = createSchemaAjv();
    for (const key of CORE) {
      const res = await t.server.inject({
        method: 'GET',
        url: `/api/v1/services/${key}`,
        headers: user.headers,
      });
      expect(res.statusCode).toBe(200);
      const detail = res.json<Detail>();
      expect(detail.components.length).toBeGreaterThan(0);
      expect(detail.templates.length).toBeGreaterThan(0);
      ajv.compile(detail.authSchema);
      for (const c of detail.components) {
        expect(c.id, c.ref).toBeTypeOf('string');
        ajv.compile(c.configSchema);
        const output = ajv.compile(c.outputSchema);
        expect(output(c.sampleOutput), `${c.ref}: ${ajv.errorsText(output.errors)}`).toBe(true);
      }
    }
    const refs = (
      await t.server.inject({ method: 'GET', url: '/api/v1/services/logic', headers: user.headers })
    )
      .json<Detail>()
      .components.map((c) => c.ref);
    expect(refs).toEqual(['logic.condition', 'logic.filter', 'logic.delay']);
    expect(
      (await t.server.inject({ method: 'GET', url: '/api/v1/services/nope', headers: user.headers }))
        .statusCode,
    ).toBe(404);
  });

  it('exposes parameters and return values through the component_variables view', async () => {
    const id = t.ctx.catalog.componentByRef('email.send')!.id!;
    const rows = await t.ctx.db
      .selectFrom('component_variables')
      .selectAll()
      .where('component_id', '=', id)
      .execute();
    const to = rows.find((r) => r.name === 'to' && r.kind === 'parameter');
    expect(to).toMatchObject({ nullable: false, display_order: 0 });
    expect(rows.find((r) => r.name === 'messageId')).toMatchObject({ kind: 'return_value' });
  });
});
