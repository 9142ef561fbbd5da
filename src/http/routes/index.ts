import type { RouteModule } from '../route-module.ts';
import { healthRoutes } from './health.ts';

/** Every route file of the API. Add new ones here. */
export const routeModules: readonly RouteModule[] = [healthRoutes];
