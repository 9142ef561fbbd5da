import { defineService } from '../../catalog/define.ts';
import { buildAction } from './actions/build.ts';
import { formatDateAction } from './actions/format-date.ts';
import { formatNumberAction } from './actions/format-number.ts';
import { pickAction } from './actions/pick.ts';
import { renameAction } from './actions/rename.ts';

export const transformService = defineService({
  key: 'transform',
  name: 'Transform',
  description: 'Reshape data between steps: build objects, pick and rename fields, format dates and numbers.',
  icon: 'shuffle',
  category: 'core',
  auth: { type: 'none' },
  triggers: [],
  actions: [buildAction, pickAction, renameAction, formatDateAction, formatNumberAction],
  templates: [{ name: 'Reshape a payload', description: 'Build a clean object from a webhook body.' }],
});
