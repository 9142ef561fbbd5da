import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { KeyRing } from './crypto.ts';

/**
 * Inserts a connection with sealed credentials. `uniqueName: 'suffix'` picks "name (2)", "name (3)"...
 * when the name is taken (OAuth2 callbacks cannot ask again); otherwise a taken name is a 409.
 */
export async function createConnectionRow(
  deps: { db: Kysely<DB>; keys: KeyRing; catalog: Catalog },
  userId: string,
  input: {
    serviceKey: string;
    name: string;
    credentials: unknown;
    config?: Record<string, unknown> | undefined;
    metadata?: Record<string, unknown> | undefined;
    tokenExpiresAt?: Date | null;
    uniqueName?: 'conflict' | 'suffix';
  },
): Promise<string> {
  const serviceId = deps.catalog.service(input.serviceKey)?.id;
  if (!serviceId)
    throw AppError.invalid([
      { path: 'service', rule: 'exists', message: `unknown service "${input.serviceKey}"` },
    ]);
  const taken = new Set(
    (
      await deps.db
        .selectFrom('connections')
        .select('name')
        .where('user_id', '=', userId)
        .where('deleted_at', 'is', null)
        .where('name', 'like', `${input.name.replace(/[\\%_]/g, '\\$&')}%`)
        .execute()
    ).map((r) => r.name),
  );
  let name = input.name;
  if (taken.has(name)) {
    if ((input.uniqueName ?? 'suffix') === 'conflict') {
      throw new AppError('conflict', `name: you already have a connection named "${name}"`, {
        details: {
          problems: [{ path: 'name', rule: 'unique', message: 'is already used by another connection' }],
        },
      });
    }
    for (let n = 2; taken.has(name); n += 1) name = `${input.name.slice(0, 240)} (${n})`;
  }
  const { id } = await deps.db
    .insertInto('connections')
    .values({
      user_id: userId,
      service_id: serviceId,
      name,
      encrypted_credentials: deps.keys.sealJson(input.credentials ?? {}),
      config: JSON.stringify(input.config ?? {}),
      metadata: JSON.stringify(input.metadata ?? {}),
      token_expires_at: input.tokenExpiresAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
