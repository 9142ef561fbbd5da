import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/record-audit.ts';
import type { DB } from '../../db/types.ts';
import type { ClientMeta } from '../sessions.ts';
import { createUser, EMAIL_PATTERN } from '../users.ts';
import { type ExternalIdentity, ExternalSignInError } from './oidc-client.ts';

/** The value of user_oauth2_accounts.provider for the configured sign-in provider. */
export const SIGN_IN_PROVIDER = 'oidc';

/**
 * Finds the user an external identity belongs to: by its link first, then (only when the provider
 * vouches for the email) by email, creating the user on first sign-in.
 * An unverified email never joins an existing account: that would let anyone who can name an
 * address at the provider take the account over.
 */
export async function userForIdentity(
  db: Kysely<DB>,
  identity: ExternalIdentity,
  meta: ClientMeta,
): Promise<{ userId: string; created: boolean }> {
  const link = await db
    .selectFrom('user_oauth2_accounts')
    .innerJoin('users', 'users.id', 'user_oauth2_accounts.user_id')
    .select(['users.id', 'users.is_active', 'users.deleted_at'])
    .where('user_oauth2_accounts.provider', '=', SIGN_IN_PROVIDER)
    .where('user_oauth2_accounts.provider_account_id', '=', identity.subject)
    .executeTakeFirst();
  if (link) {
    if (link.deleted_at) throw new ExternalSignInError('account_deleted', 'This account was deleted');
    if (!link.is_active)
      throw new ExternalSignInError(
        'account_deactivated',
        'This account is deactivated: ask an administrator',
      );
    if (identity.email) {
      await db
        .updateTable('user_oauth2_accounts')
        .set({ email: identity.email })
        .where('provider', '=', SIGN_IN_PROVIDER)
        .where('provider_account_id', '=', identity.subject)
        .execute();
    }
    return { userId: link.id, created: false };
  }

  const email = identity.email;
  if (!email || !EMAIL_PATTERN.test(email)) {
    throw new ExternalSignInError('no_email', 'The provider did not share a usable email address');
  }
  const existing = await db
    .selectFrom('users')
    .select(['id', 'is_active'])
    .where('email', '=', email)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  let userId: string;
  let created = false;
  if (existing) {
    if (!identity.emailVerified) {
      throw new ExternalSignInError(
        'email_unverified',
        'An account with this email exists, and the provider has not verified the address: sign in with your password',
      );
    }
    if (!existing.is_active)
      throw new ExternalSignInError(
        'account_deactivated',
        'This account is deactivated: ask an administrator',
      );
    userId = existing.id;
  } else {
    const user = await createUser(db, { email, name: identity.name });
    userId = user.id;
    created = true;
    if (identity.picture && /^https?:\/\//.test(identity.picture)) {
      await db.updateTable('users').set({ avatar_url: identity.picture }).where('id', '=', userId).execute();
    }
    if (identity.emailVerified) {
      await db.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', userId).execute();
    }
  }
  await db
    .insertInto('user_oauth2_accounts')
    .values({ provider: SIGN_IN_PROVIDER, provider_account_id: identity.subject, user_id: userId, email })
    .execute();
  await recordAudit(db, {
    userId,
    action: created ? 'auth.registered' : 'auth.external_account_linked',
    entityType: 'user',
    entityId: userId,
    details: { method: SIGN_IN_PROVIDER, email },
    ...meta,
  });
  return { userId, created };
}
