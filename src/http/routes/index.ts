import type { RouteModule } from '../route-module.ts';
import { accountRoutes } from './accounts.ts';
import { assistantRoutes } from './assistant.ts';
import { executionRoutes } from './executions.ts';
import { fileRoutes } from './files.ts';
import { healthRoutes } from './health.ts';
import { hookRoutes } from './hooks.ts';
import { integrationRouteModules } from './integrations.ts';
import { templateRoutes } from './templates.ts';
import { webRoutes } from './web.ts';
import { workflowRoutes } from './workflows.ts';

/** Every route file of the API. Add new ones here. */
export const routeModules: readonly RouteModule[] = [
  healthRoutes,
  accountRoutes,
  workflowRoutes,
  executionRoutes,
  hookRoutes,
  fileRoutes,
  templateRoutes,
  webRoutes,
  assistantRoutes,
  ...integrationRouteModules,
];
