import { defineAction } from '../../../catalog/define.ts';
import { evaluate } from '../compare.ts';
import { comparisonProps } from '../comparison-props.ts';

export const filterAction = defineAction({
  key: 'filter',
  name: 'Filter',
  description: 'Continues only when the conditions hold; otherwise the run stops quietly (status skipped).',
  flow: 'filter',
  props: comparisonProps,
  output: {
    type: 'object',
    properties: { pass: { type: 'boolean' }, matched: { type: 'integer' } },
    required: ['pass', 'matched'],
  },
  sampleOutput: { pass: true, matched: 1 },
  async run(ctx) {
    const { result, matched } = evaluate(ctx.props.conditions, ctx.props.combine ?? 'all');
    if (!result) ctx.log.info('filter stopped the run', { matched });
    return { pass: result, matched };
  },
});
