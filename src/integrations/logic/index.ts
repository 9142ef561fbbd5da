import { defineService } from '../../catalog/define.ts';
import { conditionAction } from './actions/condition.ts';
import { delayAction } from './actions/delay.ts';
import { filterAction } from './actions/filter.ts';

export const logicService = defineService({
  key: 'logic',
  name: 'Logic',
  description: 'Branch on conditions, filter runs, and wait.',
  icon: 'git-branch',
  category: 'core',
  auth: { type: 'none' },
  triggers: [],
  actions: [conditionAction, filterAction, delayAction],
  templates: [
    { name: 'Only large orders', description: 'A filter that continues when a total is above 100.' },
  ],
});
