import { Type } from 'typebox';
import { loadMe } from '../../accounts/me-view.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../accounts/passwords.ts';
import {
  deletePreference,
  getPreference,
  listPreferences,
  MAX_PREFERENCE_BYTES,
  putPreference,
} from '../../accounts/preferences.ts';
import { ErrorResponse, Me, Preference, SessionTokens } from '../../accounts/schemas.ts';
import { isUniqueViolation, requireSignedIn } from '../../accounts/session-guard.ts';
import { revokeAllSessions, startSession } from '../../accounts/sessions.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import type { JsonValue, UserUpdate } from '../../db/types.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { AppError, type FieldProblem } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }) });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const meRoutes: RouteModule = (app, ctx) => {
  const auth = requireAuth({ db: ctx.db, jwtSecret: ctx.jwtSecret });
  const signedIn = requireSignedIn({ db: ctx.db, jwtSecret: ctx.jwtSecret });

  app.get(
    '/api/v1/me',
    { schema: { tags: ['me'], summary: 'Your profile', response: { 200: Me, ...errors } }, preHandler: auth },
    async (request) => {
      const me = await loadMe(ctx.db, principalOf(request).userId);
      if (!me) throw AppError.notFound('User');
      return me;
    },
  );

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags: ['me'],
        summary: 'Change your profile (plan and credits are read-only)',
        body: Type.Object(
          {
            name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
            username: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            avatarUrl: Type.Optional(
              Type.Union([Type.String({ format: 'uri', maxLength: 2048 }), Type.Null()]),
            ),
            timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            onboardingCompleted: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, 409: ErrorResponse, ...errors },
      },
      preHandler: signedIn,
    },
    async (request) => {
      const principal = principalOf(request);
      const body = request.body;
      const problems: FieldProblem[] = [];
      if (body.username && !/^[A-Za-z0-9_.-]{2,100}$/.test(body.username)) {
        problems.push({
          path: 'username',
          rule: 'pattern',
          message: 'must be 2 to 100 letters, digits, dots, dashes or underscores',
        });
      }
      if (body.timezone !== undefined && !isTimeZone(body.timezone)) {
        problems.push({
          path: 'timezone',
          rule: 'timezone',
          message: 'must be an IANA time zone like Europe/Paris',
        });
      }
      if (body.avatarUrl && !/^https?:\/\//i.test(body.avatarUrl)) {
        problems.push({ path: 'avatarUrl', rule: 'format', message: 'must be an http(s) URL' });
      }
      if (problems.length > 0) throw AppError.invalid(problems);
      const update: UserUpdate = {};
      if (body.name !== undefined) update.name = body.name;
      if (body.username !== undefined) update.username = body.username || null;
      if (body.avatarUrl !== undefined) update.avatar_url = body.avatarUrl;
      if (body.timezone !== undefined) update.timezone = body.timezone;
      if (body.onboardingCompleted !== undefined) update.onboarding_completed = body.onboardingCompleted;
      const before = await loadMe(ctx.db, principal.userId);
      if (!before) throw AppError.notFound('User');
      if (Object.keys(update).length > 0) {
        try {
          await ctx.db.updateTable('users').set(update).where('id', '=', principal.userId).execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new AppError('conflict', 'username: is already taken', { details: { field: 'username' } });
        }
      }
      const after = (await loadMe(ctx.db, principal.userId))!;
      const changes: Record<string, [unknown, unknown]> = {};
      for (const field of Object.keys(body) as (keyof typeof after)[]) {
        if (before[field] !== after[field]) changes[field] = [before[field], after[field]];
      }
      if (Object.keys(changes).length > 0) {
        await recordAudit(ctx.db, {
          userId: principal.userId,
          action: 'user.updated',
          entityType: 'user',
          entityId: principal.userId,
          changes,
          ...auditFromRequest(request),
        });
      }
      return after;
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['me'],
        summary: 'Change your password; signs out every other session and starts a new one',
        body: Type.Object(
          {
            currentPassword: Type.Optional(Type.String({ maxLength: 1024 })),
            newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionTokens, ...errors },
      },
      preHandler: signedIn,
    },
    async (request) => {
      const principal = principalOf(request);
      const user = await ctx.db
        .selectFrom('users')
        .select(['email', 'password_hash'])
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      // An account made by external sign-in has no password yet and may set one.
      if (user.password_hash) {
        const current = request.body.currentPassword;
        if (!current || !(await verifyPassword(user.password_hash, current))) {
          throw AppError.invalid([
            { path: 'currentPassword', rule: 'matches', message: 'is not your current password' },
          ]);
        }
      }
      const problem = checkPasswordPolicy(request.body.newPassword, user.email);
      if (problem)
        throw AppError.invalid([{ path: 'newPassword', rule: problem.rule, message: problem.message }]);
      await ctx.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(request.body.newPassword) })
        .where('id', '=', principal.userId)
        .execute();
      await revokeAllSessions(ctx.db, principal.userId);
      const meta = auditFromRequest(request);
      await recordAudit(ctx.db, {
        userId: principal.userId,
        action: 'user.password_changed',
        entityType: 'user',
        entityId: principal.userId,
        ...meta,
      });
      return startSession(
        {
          db: ctx.db,
          jwtSecret: ctx.jwtSecret,
          refreshTtlSeconds: ctx.config.accounts.refreshTokenTtlDays * 86_400,
        },
        principal.userId,
        meta,
      );
    },
  );

  app.get(
    '/api/v1/me/preferences',
    {
      schema: {
        tags: ['me'],
        summary: 'All your preferences',
        response: { 200: Type.Object({ items: Type.Array(Preference), nextCursor: Type.Null() }), ...errors },
      },
      preHandler: auth,
    },
    async (request) => ({
      items: await listPreferences(ctx.db, principalOf(request).userId),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/v1/me/preferences/:key',
    {
      schema: {
        tags: ['me'],
        summary: 'One of your preferences',
        params: KeyParams,
        response: { 200: Preference, ...errors },
      },
      preHandler: auth,
    },
    async (request) => {
      const pref = await getPreference(ctx.db, principalOf(request).userId, request.params.key);
      if (!pref) throw AppError.notFound(`Preference ${request.params.key}`);
      return pref;
    },
  );

  app.put(
    '/api/v1/me/preferences/:key',
    {
      schema: {
        tags: ['me'],
        summary: 'Set one of your preferences (any JSON value)',
        params: KeyParams,
        body: Type.Object({ value: Type.Unknown() }, { additionalProperties: false, required: ['value'] }),
        response: { 200: Preference, ...errors },
      },
      preHandler: auth,
    },
    async (request) => {
      const value = (request.body as { value?: unknown }).value;
      if (value === undefined)
        throw AppError.invalid([{ path: 'value', rule: 'required', message: 'is required' }]);
      if (Buffer.byteLength(JSON.stringify(value)) > MAX_PREFERENCE_BYTES) {
        throw AppError.invalid([
          { path: 'value', rule: 'max_size', message: 'must be at most 64 KiB of JSON' },
        ]);
      }
      return putPreference(ctx.db, principalOf(request).userId, request.params.key, value as JsonValue);
    },
  );

  app.delete(
    '/api/v1/me/preferences/:key',
    {
      schema: {
        tags: ['me'],
        summary: 'Remove one of your preferences',
        params: KeyParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: auth,
    },
    async (request, reply) => {
      if (!(await deletePreference(ctx.db, principalOf(request).userId, request.params.key))) {
        throw AppError.notFound(`Preference ${request.params.key}`);
      }
      return reply.status(204).send(null);
    },
  );
};
