import type { RouteModule } from '../route-module.ts';
import { connectionRoutes } from './connections.ts';
import { connectionOAuthRoutes } from './connections-oauth.ts';
import { secretRoutes } from './secrets.ts';
import { serviceRoutes } from './services.ts';
import { systemStatusRoutes } from './system-status.ts';

/** The catalog, connections, secrets and system status routes. */
export const integrationRouteModules: readonly RouteModule[] = [
  serviceRoutes,
  connectionRoutes,
  connectionOAuthRoutes,
  secretRoutes,
  systemStatusRoutes,
];
