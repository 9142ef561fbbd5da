import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthDeps, requireAuth } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';

/**
 * A preHandler for what only a signed-in person may do (API keys, password, sessions):
 * an API key, even a full one, gets 403, so a leaked key cannot mint more keys or lock its owner out.
 */
export function requireSignedIn(deps: AuthDeps) {
  const auth = requireAuth(deps);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await auth(request, reply);
    if (request.principal?.via !== 'token') {
      throw new AppError('forbidden', 'Use a signed-in session (access token) for this, not an API key');
    }
  };
}

/** Postgres (and PGlite) report a violated unique index with SQLSTATE 23505. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
