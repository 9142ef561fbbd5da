import { defineAction, defineService, defineTrigger } from '../catalog/define.ts';
import { prop } from '../catalog/props.ts';
import { createCatalog } from '../catalog/registry.ts';
import { syncCatalog } from '../catalog/sync-catalog.ts';
import { allServices } from '../integrations/all-services.ts';
import type { TestApp } from '../testing/test-app.ts';

/**
 * Two small services for the assistant's tests, shaped like a code host and a chat tool, so the
 * tests do not depend on which real integrations this build ships.
 */
export const repoHostService = defineService({
  key: 'fake_github',
  name: 'Fake GitHub',
  description: 'Repositories and their events.',
  icon: 'git',
  category: 'developer',
  auth: { type: 'bearer', props: { token: prop.secret({ displayName: 'Token', required: true }) } },
  triggers: [
    defineTrigger({
      key: 'new_star',
      name: 'New star',
      description: 'Runs when someone stars a repository.',
      mode: 'webhook',
      props: {
        repository: prop.text({ displayName: 'Repository', required: true, pattern: '^[\\w.-]+/[\\w.-]+$' }),
      },
      output: {
        type: 'object',
        properties: { stargazer: { type: 'string' }, repository: { type: 'string' } },
      },
      sampleOutput: { stargazer: 'octocat', repository: 'area/area' },
      webhook: { toEvent: (request) => request.body },
    }),
  ],
  actions: [],
});

export const chatToolService = defineService({
  key: 'fake_slack',
  name: 'Fake Slack',
  description: 'Team chat.',
  icon: 'chat',
  category: 'communication',
  auth: { type: 'bearer', props: { token: prop.secret({ displayName: 'Token', required: true }) } },
  triggers: [],
  actions: [
    defineAction({
      key: 'send_message',
      name: 'Send a message',
      description: 'Posts a message to a channel.',
      props: {
        channel: prop.text({ displayName: 'Channel', required: true, pattern: '^#[a-z0-9_-]+$' }),
        text: prop.longText({ displayName: 'Text', required: true }),
      },
      output: { type: 'object', properties: { ts: { type: 'string' } } },
      sampleOutput: { ts: '1.0' },
      run: async () => ({ ts: '1.0' }),
    }),
  ],
});

/** Adds the two services to the test database's catalog. */
export async function syncTestServices(t: TestApp): Promise<void> {
  await syncCatalog(t.ctx.db, createCatalog([...allServices, repoHostService, chatToolService]));
}

/** A connection of `userId` to a service, with credentials sealed like the real ones. */
export async function createTestConnection(
  t: TestApp,
  userId: string,
  serviceKey: string,
  credentials: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Promise<string> {
  const service = await t.ctx.db
    .selectFrom('services')
    .select('id')
    .where('key', '=', serviceKey)
    .executeTakeFirstOrThrow();
  const row = await t.ctx.db
    .insertInto('connections')
    .values({
      user_id: userId,
      service_id: service.id,
      name: `${serviceKey} account`,
      encrypted_credentials: t.ctx.keys.seal(JSON.stringify(credentials)),
      config: JSON.stringify(config),
      metadata: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface SseEventRead {
  event: string;
  data: Record<string, unknown>;
}

/** The events of a complete `text/event-stream` body. */
export function parseSse(body: string): SseEventRead[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}
