import type { RouteModule } from '../route-module.ts';
import { adminRoutes } from './admin.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditLogRoutes } from './audit-logs.ts';
import { authRoutes } from './auth.ts';
import { oauthSignInRoutes } from './auth-oauth.ts';
import { meRoutes } from './me.ts';

/** Accounts and access: one registration line in index.ts for all of these. */
export const accountRoutes: RouteModule = async (app, ctx) => {
  for (const register of [
    authRoutes,
    oauthSignInRoutes,
    meRoutes,
    apiKeyRoutes,
    adminRoutes,
    auditLogRoutes,
  ]) {
    await register(app, ctx);
  }
};
