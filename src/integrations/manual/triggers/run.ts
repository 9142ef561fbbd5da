import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';

export const manualRunTrigger = defineTrigger({
  key: 'run',
  name: 'Run by hand',
  description: 'Starts the workflow from the app, the API or the CLI, with input given at that moment.',
  mode: 'manual',
  props: {
    defaults: prop.json({
      displayName: 'Default input',
      description: 'Fields used when the run does not give them.',
      schema: { type: 'object' },
    }),
  },
  output: {
    type: 'object',
    properties: {
      input: { type: 'object', description: 'The defaults overlaid with the input given' },
      startedAt: { type: 'string', format: 'date-time' },
    },
    required: ['input', 'startedAt'],
  },
  sampleOutput: { input: { name: 'Ada' }, startedAt: '2026-01-05T09:00:00.000Z' },
  manual: {
    toEvent(input, props) {
      const given =
        input && typeof input === 'object' && !Array.isArray(input) ? input : { value: input ?? null };
      const defaults = props.defaults && typeof props.defaults === 'object' ? props.defaults : {};
      return { input: { ...defaults, ...given }, startedAt: new Date().toISOString() };
    },
  },
});
