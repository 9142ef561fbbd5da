import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { insertConnection } from '../../workflows/test-fixtures.ts';
import { discordGallery } from '../discord/gallery.ts';
import { mqttGallery } from '../mqtt/gallery.ts';
import { postgresGallery } from '../postgres/gallery.ts';
import { slackGallery } from '../slack/gallery.ts';
import { telegramGallery } from '../telegram/gallery.ts';
import { githubGallery } from './gallery.ts';

const gallery = [
  ...githubGallery,
  ...slackGallery,
  ...telegramGallery,
  ...postgresGallery,
  ...mqttGallery,
  ...discordGallery,
];
let t: TestApp;
let user: TestUser;
const connections: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  await createTestUser(t);
  user = await createTestUser(t);
  for (const key of ['github', 'slack', 'telegram', 'postgres', 'mqtt', 'discord']) {
    const service = await t.ctx.db
      .selectFrom('services')
      .select('id')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    connections[key] = await insertConnection(t.ctx.db, user.id, service.id, `${key} account`);
  }
  for (const name of ['GITHUB_WEBHOOK_SECRET', 'SLACK_SIGNING_SECRET']) {
    const made = await t.server.inject({
      method: 'POST',
      url: '/api/v1/secrets',
      headers: user.headers,
      payload: { name, value: 'a-long-shared-secret' },
    });
    expect(made.statusCode, made.body).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('gallery workflows of the messaging, developer, data and IoT services', () => {
  it('have unique slugs and use these services', () => {
    expect(new Set(gallery.map((g) => g.slug)).size).toBe(gallery.length);
    expect(gallery.length).toBeGreaterThanOrEqual(6);
  });

  it('each imports as a draft without warnings and activates once connections are given', async () => {
    for (const template of gallery) {
      const imported = await t.server.inject({
        method: 'POST',
        url: '/api/v1/workflows/import',
        headers: user.headers,
        payload: { definition: template.definition, connections },
      });
      expect(imported.statusCode, `${template.slug}: ${imported.body}`).toBe(201);
      expect(imported.json()['warnings'], template.slug).toEqual([]);
      const activated = await t.server.inject({
        method: 'POST',
        url: `/api/v1/workflows/${imported.json()['id']}/activate`,
        headers: user.headers,
      });
      expect(activated.statusCode, `${template.slug}: ${activated.body}`).toBe(200);
    }
  });

  it('are really checked: a broken copy does not activate', async () => {
    const broken = structuredClone(discordGallery[0]!.definition) as {
      actions: { config: Record<string, unknown> }[];
    };
    broken.actions[0]!.config['channelId'] = 'general';
    const imported = await t.server.inject({
      method: 'POST',
      url: '/api/v1/workflows/import',
      headers: user.headers,
      payload: { definition: broken, connections },
    });
    const activated = await t.server.inject({
      method: 'POST',
      url: `/api/v1/workflows/${imported.json()['id']}/activate`,
      headers: user.headers,
    });
    expect(activated.statusCode).toBe(400);
    expect(activated.body).toContain('channelId');
  });
});
