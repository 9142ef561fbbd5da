import type { Kysely } from 'kysely';
import { hashPassword } from '../accounts/passwords.ts';
import type { KeyRing } from '../connections/crypto.ts';
import type { DB } from './types.ts';

export const DEMO_EMAIL = 'admin@example.com';
export const DEMO_PASSWORD = 'password123';

export interface SeedResult {
  userId: string;
  created: { user: boolean; workflow: boolean; connection: boolean };
}

/**
 * The demo data (seed 002): admin@example.com / password123 as admin, a sample workflow and a
 * sample connection. Safe to run again: each piece is created only when it is missing.
 * The demo password is shorter than the sign-up policy allows; it is for local trials only.
 */
export async function seedDemo(db: Kysely<DB>, keys: KeyRing): Promise<SeedResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    let user = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', DEMO_EMAIL)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const createdUser = !user;
    if (!user) {
      user = await trx
        .insertInto('users')
        .values({ email: DEMO_EMAIL, username: 'admin', name: 'Demo Admin', password_hash: passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
    }
    const roles = await trx
      .selectFrom('roles')
      .select('id')
      .where('name', 'in', ['admin', 'member'])
      .execute();
    for (const role of roles) {
      await trx
        .insertInto('user_roles')
        .values({ user_id: user.id, role_id: role.id })
        .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
        .execute();
    }

    // The http service row is normally written by the catalog sync; make sure it exists for the sample.
    const service = await trx
      .insertInto('services')
      .values({
        key: 'http',
        name: 'HTTP',
        description: 'Call any HTTP API',
        category: 'core',
        auth_schema: {},
      })
      .onConflict((oc) => oc.column('key').doUpdateSet({ key: 'http' }))
      .returning('id')
      .executeTakeFirstOrThrow();

    const connectionName = 'Sample HTTP connection';
    const existingConnection = await trx
      .selectFrom('connections')
      .select('id')
      .where('user_id', '=', user.id)
      .where('name', '=', connectionName)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!existingConnection) {
      await trx
        .insertInto('connections')
        .values({
          user_id: user.id,
          service_id: service.id,
          name: connectionName,
          encrypted_credentials: keys.sealJson({ type: 'bearer', token: 'demo-token' }),
          config: { baseUrl: 'https://httpbin.org' },
          metadata: { seeded: true },
        })
        .execute();
    }

    const workflowName = 'Sample: webhook to HTTP request';
    const existingWorkflow = await trx
      .selectFrom('workflows')
      .select('id')
      .where('user_id', '=', user.id)
      .where('name', '=', workflowName)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!existingWorkflow) {
      const workflow = await trx
        .insertInto('workflows')
        .values({
          user_id: user.id,
          name: workflowName,
          description: 'Receives a webhook and forwards its body to an HTTP endpoint.',
          trigger_type: 'webhook',
          tags: ['sample'],
          configuration: {},
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('workflow_nodes')
        .values([
          {
            workflow_id: workflow.id,
            node_key: 'trigger',
            node_type: 'trigger',
            label: 'Catch webhook',
            ordinal: 0,
            position_x: 0,
            position_y: 0,
            config: { service: 'webhook', component: 'catch_hook' },
            error_handling: {},
          },
          {
            workflow_id: workflow.id,
            node_key: 'forward',
            node_type: 'action',
            label: 'Forward body',
            ordinal: 1,
            position_x: 280,
            position_y: 0,
            config: {
              service: 'http',
              component: 'request',
              method: 'POST',
              url: 'https://httpbin.org/post',
              body: '{{ trigger.body }}',
            },
            error_handling: { retry: true, max_retries: 3 },
          },
        ])
        .execute();
      await trx
        .insertInto('workflow_edges')
        .values({
          workflow_id: workflow.id,
          source_node_key: 'trigger',
          target_node_key: 'forward',
          configuration: {},
        })
        .execute();
    }
    return {
      userId: user.id,
      created: { user: createdUser, workflow: !existingWorkflow, connection: !existingConnection },
    };
  });
}
