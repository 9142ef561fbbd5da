import type { ServiceDefinition } from '../catalog/define.ts';
import { emailService } from './email/index.ts';
import { httpService } from './http/index.ts';
import { logicService } from './logic/index.ts';
import { manualService } from './manual/index.ts';
import { oauth2Service } from './oauth2/index.ts';
import { scheduleService } from './schedule/index.ts';
import { transformService } from './transform/index.ts';
import { webhookService } from './webhook/index.ts';

/** The services built into every Area. */
export const coreServices: readonly ServiceDefinition[] = [
  scheduleService,
  webhookService,
  manualService,
  httpService,
  logicService,
  transformService,
  emailService,
  oauth2Service,
];
