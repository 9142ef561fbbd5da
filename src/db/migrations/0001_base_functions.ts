import type { Kysely } from 'kysely';
import { run } from '../migration-kit.ts';

// Shared SQL functions: UUIDv7 defaults for rows inserted outside the app, and updated_at upkeep.
export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE FUNCTION area_uuid_v7() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        bytes bytea := uuid_send(gen_random_uuid());
        millis bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
      BEGIN
        bytes := overlay(bytes PLACING substring(int8send(millis) FROM 3) FROM 1 FOR 6);
        bytes := set_byte(bytes, 6, (get_byte(bytes, 6) & 15) | 112);
        RETURN encode(bytes, 'hex')::uuid;
      END $$`,
    `CREATE FUNCTION area_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $$`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, ['DROP FUNCTION area_set_updated_at()', 'DROP FUNCTION area_uuid_v7()']);
}
