import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { setPath } from '../paths.ts';

export const buildAction = defineAction({
  key: 'build',
  name: 'Build an object',
  description:
    'Makes a new object from fields whose values are templates ({{ trigger.x }}, {{ steps.key.y }}). Dotted names nest.',
  props: {
    fields: prop.record({
      displayName: 'Fields',
      required: true,
      description: 'Name -> value; `customer.name` makes { customer: { name } }.',
      values: prop.json({ displayName: 'Value' }),
    }),
  },
  output: { type: 'object', properties: { data: { type: 'object' } }, required: ['data'] },
  sampleOutput: { data: { customer: { name: 'Ada' }, total: 19.9 } },
  async run(ctx) {
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(ctx.props.fields)) setPath(data, name, value);
    return { data };
  },
});
