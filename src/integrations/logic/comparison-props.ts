import { prop } from '../../catalog/props.ts';
import { OPERATORS } from './compare.ts';

/** (left, operator, right) rows; the engine renders left and right from templates before the action runs. */
export const comparisonProps = {
  conditions: prop.array({
    displayName: 'Conditions',
    required: true,
    minItems: 1,
    items: prop.object({
      displayName: 'Condition',
      properties: {
        left: prop.json({ displayName: 'Value', placeholder: '{{ trigger.body.total }}' }),
        operator: prop.select({
          displayName: 'Operator',
          required: true,
          options: OPERATORS.map((o) => ({ label: o.replaceAll('_', ' '), value: o })),
        }),
        right: prop.json({ displayName: 'Compared with', placeholder: '100' }),
      },
    }),
  }),
  combine: prop.select({
    displayName: 'Combine',
    default: 'all',
    options: [
      { label: 'All conditions hold', value: 'all' },
      { label: 'Any condition holds', value: 'any' },
    ],
  }),
};
