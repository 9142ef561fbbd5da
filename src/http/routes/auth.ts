import { Type } from 'typebox';
import { loadMe } from '../../accounts/me-view.ts';
import { hashPassword, verifyPassword } from '../../accounts/passwords.ts';
import { ErrorResponse, SessionTokens, SessionWithUser } from '../../accounts/schemas.ts';
import { endSession, rotateRefreshToken, type SessionDeps, startSession } from '../../accounts/sessions.ts';
import { SignInLimits } from '../../accounts/sign-in-limits.ts';
import { createUser, normalizeEmail } from '../../accounts/users.ts';
import { auditFromRequest, recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

const WRONG_CREDENTIALS = 'The email or password is wrong';

// Unknown emails still pay for one argon2 verification, so timing does not tell which emails exist.
let dummyHash: Promise<string> | undefined;
function timingDecoy(): Promise<string> {
  dummyHash ??= hashPassword('timing-decoy-password-not-used');
  return dummyHash;
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  409: ErrorResponse,
  429: ErrorResponse,
};

export const authRoutes: RouteModule = (app, ctx) => {
  const deps: SessionDeps = {
    db: ctx.db,
    jwtSecret: ctx.jwtSecret,
    refreshTtlSeconds: ctx.config.accounts.refreshTokenTtlDays * 86_400,
  };
  const limits = new SignInLimits(ctx.config.accounts);

  app.post(
    '/api/v1/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        security: [],
        body: Type.Object(
          {
            email: Type.String({ minLength: 1, maxLength: 255 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            name: Type.Optional(Type.String({ maxLength: 255 })),
            username: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SessionWithUser, ...errors },
      },
    },
    async (request, reply) => {
      const meta = auditFromRequest(request);
      const email = normalizeEmail(request.body.email);
      limits.check(`ip:${request.ip}`, `register:${email}`);
      limits.hit(`ip:${request.ip}`, `register:${email}`);
      const user = await createUser(ctx.db, {
        email,
        password: request.body.password,
        name: request.body.name,
        username: request.body.username,
      });
      await recordAudit(ctx.db, {
        userId: user.id,
        action: 'auth.registered',
        entityType: 'user',
        entityId: user.id,
        details: { email },
        ...meta,
      });
      const tokens = await startSession(deps, user.id, meta);
      const me = await loadMe(ctx.db, user.id);
      return reply.status(201).send({ user: me!, ...tokens });
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        security: [],
        body: Type.Object(
          {
            email: Type.String({ minLength: 1, maxLength: 255 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionWithUser, ...errors },
      },
    },
    async (request) => {
      const meta = auditFromRequest(request);
      const email = normalizeEmail(request.body.email);
      const accountKey = `login:${email}`;
      limits.check(`ip:${request.ip}`, accountKey);
      const user = await ctx.db
        .selectFrom('users')
        .select(['id', 'password_hash', 'is_active'])
        .where('email', '=', email)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      const ok = user?.password_hash
        ? await verifyPassword(user.password_hash, request.body.password)
        : (await verifyPassword(await timingDecoy(), request.body.password)) && false;
      if (!user || !ok) {
        limits.hit(`ip:${request.ip}`, accountKey);
        await recordAudit(ctx.db, {
          userId: user?.id ?? null,
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          details: { email, reason: user ? 'wrong_password' : 'unknown_email' },
          ...meta,
        });
        throw new AppError('unauthorized', WRONG_CREDENTIALS);
      }
      if (!user.is_active) {
        await recordAudit(ctx.db, {
          userId: user.id,
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: user.id,
          details: { email, reason: 'deactivated' },
          ...meta,
        });
        throw new AppError('forbidden', 'This account is deactivated: ask an administrator');
      }
      limits.perAccount.reset(accountKey);
      const tokens = await startSession(deps, user.id, meta);
      await recordAudit(ctx.db, {
        userId: user.id,
        action: 'auth.login',
        entityType: 'user',
        entityId: user.id,
        details: { method: 'password' },
        ...meta,
      });
      const me = await loadMe(ctx.db, user.id);
      return { user: me!, ...tokens };
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new access and refresh token (each refresh token works once)',
        security: [],
        body: Type.Object(
          { refreshToken: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionTokens, ...errors },
      },
    },
    async (request) => {
      const result = await rotateRefreshToken(deps, request.body.refreshToken, auditFromRequest(request));
      if (result.ok) return result.tokens;
      const messages = {
        unknown: 'The refresh token is not valid',
        expired: 'The refresh token has expired: sign in again',
        revoked: 'The refresh token was revoked: sign in again',
        inactive: 'The account is not active',
        reused: 'The refresh token was already used: every session started with it is now signed out',
      } as const;
      throw new AppError('unauthorized', messages[result.reason], { details: { reason: result.reason } });
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out the session of a refresh token',
        security: [],
        body: Type.Object(
          { refreshToken: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const ended = await endSession(ctx.db, request.body.refreshToken);
      if (ended) {
        await recordAudit(ctx.db, {
          userId: ended.userId,
          action: 'auth.logout',
          entityType: 'user',
          entityId: ended.userId,
          ...auditFromRequest(request),
        });
      }
      return reply.status(204).send(null);
    },
  );
};
