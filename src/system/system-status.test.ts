import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService } from '../catalog/define.ts';
import { createCatalog } from '../catalog/registry.ts';
import { coreServices } from '../integrations/core-services.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser } from '../testing/test-users.ts';
import { runHealthCheck } from './health-check.ts';

describe('system status', () => {
  let t: TestApp;
  let peer: Server;
  let peerUrl: string;
  let healthy = true;

  beforeAll(async () => {
    t = await createTestApp();
    peer = createServer((_req, res) => res.writeHead(healthy ? 200 : 503).end());
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/health`;
  });
  afterAll(async () => {
    await t.close();
    peer.closeAllConnections();
    await new Promise((resolve) => peer.close(resolve));
  });

  it('writes a row per checked part and serves the latest ones', async () => {
    const withPeer = defineService({
      key: 'status_probe',
      name: 'Status probe',
      description: 'A service with a health endpoint',
      icon: 'x',
      category: 'test',
      auth: { type: 'none' },
      triggers: [],
      actions: [],
      async healthCheck({ http }) {
        const res = await http(peerUrl);
        if (!res.ok) throw new Error(`health endpoint answered ${res.status}`);
      },
    });
    const catalog = createCatalog([...coreServices, withPeer]);
    const first = await runHealthCheck({ db: t.ctx.db, catalog });
    expect(first.find((r) => r.serviceName === 'database')).toMatchObject({ status: 'healthy' });
    expect(first.find((r) => r.serviceName === 'service:status_probe')).toMatchObject({ status: 'healthy' });
    healthy = false;
    await runHealthCheck({ db: t.ctx.db, catalog });

    const user = await createTestUser(t);
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/system/status', headers: user.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      status: string;
      checks: { serviceName: string; status: string; errorMessage: string | null }[];
    }>();
    expect(body.status).toBe('down');
    expect(body.checks.find((c) => c.serviceName === 'database')).toMatchObject({ status: 'healthy' });
    expect(body.checks.find((c) => c.serviceName === 'service:status_probe')).toMatchObject({
      status: 'down',
      errorMessage: 'health endpoint answered 503',
    });
    const rows = await t.ctx.db
      .selectFrom('system_status')
      .select('id')
      .where('service_name', '=', 'database')
      .execute();
    expect(rows).toHaveLength(2);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/system/status' })).statusCode).toBe(401);
  });
});
