import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

/**
 * A small catalog of its own for workflow tests (keys no real integration uses), written straight
 * into the synced tables, plus connections. Lets the tests name exact schemas and failures.
 */
export interface WorkflowTestCatalog {
  serviceId: string;
  authServiceId: string;
  components: Record<'hook' | 'tick' | 'send' | 'check' | 'post', string>;
}

export async function installTestCatalog(db: Kysely<DB>): Promise<WorkflowTestCatalog> {
  const svc = await db
    .insertInto('services')
    .values({ key: 'wftest', name: 'Workflow Test', auth_schema: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const auth = await db
    .insertInto('services')
    .values({
      key: 'wfauth',
      name: 'Workflow Auth Test',
      requires_auth: true,
      auth_type: 'api_key',
      auth_schema: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const schema = (properties: Record<string, unknown>, required: string[] = []) =>
    JSON.stringify({ type: 'object', properties, required, additionalProperties: false });
  const rows = [
    {
      service_id: svc.id,
      key: 'hook',
      kind: 'trigger' as const,
      trigger_mode: 'webhook' as const,
      name: 'Hook',
      config_schema: schema({}),
    },
    {
      service_id: svc.id,
      key: 'tick',
      kind: 'trigger' as const,
      trigger_mode: 'schedule' as const,
      name: 'Tick',
      config_schema: schema({ cron: { type: 'string', minLength: 1 } }, ['cron']),
    },
    {
      service_id: svc.id,
      key: 'send',
      kind: 'action' as const,
      trigger_mode: null,
      name: 'Send',
      config_schema: schema(
        { to: { type: 'string', format: 'email' }, count: { type: 'integer' }, body: { type: 'string' } },
        ['to'],
      ),
    },
    {
      service_id: svc.id,
      key: 'check',
      kind: 'action' as const,
      trigger_mode: null,
      name: 'Check',
      config_schema: schema({ value: {} }),
    },
    {
      service_id: auth.id,
      key: 'post',
      kind: 'action' as const,
      trigger_mode: null,
      name: 'Post',
      config_schema: schema({ text: { type: 'string' } }),
    },
  ];
  const inserted = await db
    .insertInto('components')
    .values(rows.map((r) => ({ ...r, output_schema: JSON.stringify({ type: 'object', properties: {} }) })))
    .returning(['id', 'key'])
    .execute();
  const id = (key: string) => inserted.find((r) => r.key === key)?.id as string;
  return {
    serviceId: svc.id,
    authServiceId: auth.id,
    components: {
      hook: id('hook'),
      tick: id('tick'),
      send: id('send'),
      check: id('check'),
      post: id('post'),
    },
  };
}

/** A connection row (credentials are opaque here: nothing decrypts them in these tests). */
export async function insertConnection(
  db: Kysely<DB>,
  userId: string,
  serviceId: string,
  name: string,
): Promise<string> {
  const row = await db
    .insertInto('connections')
    .values({ user_id: userId, service_id: serviceId, name, encrypted_credentials: 'sealed' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
