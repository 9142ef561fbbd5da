import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestUser, type TestUser } from '../../testing/test-users.ts';
import { insertConnection } from '../../workflows/test-fixtures.ts';
import { anthropicGallery } from '../anthropic/gallery.ts';
import { googleSheetsGallery } from '../google-sheets/gallery.ts';
import { notionGallery } from '../notion/gallery.ts';
import { rssGallery } from '../rss/gallery.ts';
import { gmailGallery } from './gallery.ts';

const gallery = [
  ...gmailGallery,
  ...googleSheetsGallery,
  ...notionGallery,
  ...rssGallery,
  ...anthropicGallery,
];
const SERVICES = [
  'gmail',
  'google-sheets',
  'notion',
  'openai',
  'anthropic',
  'gemini',
  'telegram',
  'slack',
  'discord',
];

let t: TestApp;
let user: TestUser;
const connections: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  await createTestUser(t);
  user = await createTestUser(t);
  for (const key of SERVICES) {
    const service = await t.ctx.db
      .selectFrom('services')
      .select('id')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    connections[key] = await insertConnection(t.ctx.db, user.id, service.id, `${key} account`);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('gallery workflows of the Google, Notion, feed and AI services', () => {
  it('have unique slugs', () => {
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
});
