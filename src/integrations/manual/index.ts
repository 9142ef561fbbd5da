import { defineService } from '../../catalog/define.ts';
import { manualRunTrigger } from './triggers/run.ts';

export const manualService = defineService({
  key: 'manual',
  name: 'Manual',
  description: 'Start workflows by hand with input.',
  icon: 'hand',
  category: 'core',
  auth: { type: 'none' },
  triggers: [manualRunTrigger],
  actions: [],
  templates: [{ name: 'Run with input', description: 'Start by hand and pass fields as input.' }],
});
