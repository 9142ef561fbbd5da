import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolationRequest, loadIsolationCases } from '../testing/isolation-cases.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';

// The table lives in src/testing/isolation-cases.ts and every src/**/isolation.case.ts.
const { cases, exemptions } = await loadIsolationCases();

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const SENTINEL = 'isolation-row-id';

interface Operation {
  security?: unknown[];
}

function send(t: TestApp, user: TestUser, request: IsolationRequest) {
  return t.server.inject({
    method: request.method,
    url: request.url,
    headers: user.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload as object }),
  });
}

function idsOf(body: unknown, idOf: (item: Record<string, unknown>) => unknown): unknown[] {
  const items = (body as { items?: Record<string, unknown>[] }).items;
  expect(Array.isArray(items), 'a list answers { items: [...] }').toBe(true);
  return (items ?? []).map(idOf);
}

function templateMatches(template: string, url: string): boolean {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`).test(url.split('?')[0] ?? url);
}

describe('isolation: another user can neither read, list, change nor delete an owned row', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    // The instance's first user becomes admin; make it someone who is not in any case.
    await createTestUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const owner = await createTestUser(t);
    const other = await createTestUser(t);
    const id = await c.create(t, owner);
    const requests = c.requests(id);
    const read = requests.find((r) => r.method === 'GET');
    const idOf = c.list?.idOf ?? ((item: Record<string, unknown>) => item['id']);

    let before: unknown;
    if (read) {
      const res = await send(t, owner, read);
      expect(res.statusCode, `owner ${read.method} ${read.url}: ${res.body}`).toBe(200);
      before = res.json();
    }
    if (c.list) {
      const mine = await send(t, owner, { method: 'GET', url: c.list.url });
      expect(mine.statusCode, `owner GET ${c.list.url}`).toBe(200);
      expect(idsOf(mine.json(), idOf), 'the owner lists the row').toContain(id);
      const theirs = await send(t, other, { method: 'GET', url: c.list.url });
      expect(theirs.statusCode, `other GET ${c.list.url}`).toBe(200);
      expect(idsOf(theirs.json(), idOf), 'another user does not list the row').not.toContain(id);
    }
    for (const request of requests) {
      const res = await send(t, other, request);
      expect(res.statusCode, `other ${request.method} ${request.url}: ${res.body}`).toBe(
        request.status ?? 404,
      );
      if ((request.status ?? 404) === 404) {
        expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
      }
    }
    if (read) {
      const res = await send(t, owner, read);
      expect(res.statusCode, `owner reads ${read.url} again`).toBe(200);
      expect(res.json(), 'the row is unchanged for its owner').toEqual(before);
    }
    if (c.list) {
      const mine = await send(t, owner, { method: 'GET', url: c.list.url });
      expect(idsOf(mine.json(), idOf), 'the owner still lists the row').toContain(id);
    }
  });

  it('covers every signed-in route that addresses a row by a path parameter', () => {
    const spec = t.server.swagger() as { paths?: Record<string, Record<string, Operation>> };
    const covered = cases.flatMap((c) => c.requests(SENTINEL));
    const exempt = new Set(exemptions.map((e) => e.route));
    const missing: string[] = [];
    for (const [template, operations] of Object.entries(spec.paths ?? {})) {
      if (!template.includes('{')) continue;
      for (const method of METHODS) {
        const operation = operations[method];
        if (!operation) continue;
        if (Array.isArray(operation.security) && operation.security.length === 0) continue;
        const route = `${method.toUpperCase()} ${template}`;
        if (exempt.has(route)) continue;
        const hit = covered.some(
          (r) => r.method === method.toUpperCase() && templateMatches(template, r.url),
        );
        if (!hit) missing.push(route);
      }
    }
    expect(
      missing,
      'add these to an isolation.case.ts next to the route (or to isolationExemptions with a reason)',
    ).toEqual([]);
  });
});
