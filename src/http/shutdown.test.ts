import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/test-app.ts';
import { TEST_DB_KIND } from '../testing/test-db.ts';
import type { RouteModule } from './route-module.ts';

// Resolved when the slow request is being handled: the close must find it in flight.
let entered = Promise.withResolvers<void>();
const slowRoute: RouteModule = (app) => {
  app.get('/api/v1/test/slow', { schema: { hide: true } }, async () => {
    entered.resolve();
    await sleep(400);
    return { finished: true };
  });
};

describe(`graceful shutdown (${TEST_DB_KIND})`, () => {
  it('finishes in-flight requests, then refuses new connections and closes the database', async () => {
    const t = await createTestApp({ env: { PORT: '0' }, extraRoutes: [slowRoute] });
    const url = await t.app.start();
    entered = Promise.withResolvers<void>();
    const inFlight = fetch(`${url}/api/v1/test/slow`);
    await entered.promise;
    const closing = t.app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closing;
    expect(t.ctx.stopping.aborted).toBe(true);
    await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
    await t.close();
  });
});
