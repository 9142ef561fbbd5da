import { defineAction } from '../../../catalog/define.ts';
import { evaluate } from '../compare.ts';
import { comparisonProps } from '../comparison-props.ts';

export const conditionAction = defineAction({
  key: 'condition',
  name: 'Condition (if / else)',
  description: 'Compares values and continues on the true or the false branch.',
  flow: 'condition',
  props: comparisonProps,
  output: {
    type: 'object',
    properties: {
      result: { type: 'boolean', description: 'Which branch runs' },
      matched: { type: 'integer', description: 'How many conditions held' },
    },
    required: ['result', 'matched'],
  },
  sampleOutput: { result: true, matched: 1 },
  async run(ctx) {
    return evaluate(ctx.props.conditions, ctx.props.combine ?? 'all');
  },
});
