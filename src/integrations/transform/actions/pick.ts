import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { getPath, setPath } from '../paths.ts';

export const pickAction = defineAction({
  key: 'pick',
  name: 'Pick fields',
  description: 'Keeps only the named fields (dot paths) of an object.',
  props: {
    source: prop.json({ displayName: 'Object', required: true, placeholder: '{{ trigger.body }}' }),
    fields: prop.array({
      displayName: 'Fields to keep',
      required: true,
      items: prop.text({ displayName: 'Path' }),
    }),
  },
  output: { type: 'object', properties: { data: { type: 'object' } }, required: ['data'] },
  sampleOutput: { data: { id: 7, customer: { email: 'ada@example.com' } } },
  async run(ctx) {
    const data: Record<string, unknown> = {};
    for (const path of ctx.props.fields) {
      const value = getPath(ctx.props.source, path);
      if (value !== undefined) setPath(data, path, value);
    }
    return { data };
  },
});
