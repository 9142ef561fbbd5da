import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';

export const renameAction = defineAction({
  key: 'rename',
  name: 'Rename fields',
  description: 'Renames top-level fields of an object; the other fields stay as they are.',
  props: {
    source: prop.json({ displayName: 'Object', required: true, placeholder: '{{ trigger.body }}' }),
    mapping: prop.record({
      displayName: 'Renames',
      required: true,
      description: 'Old name -> new name',
      values: prop.text({ displayName: 'New name', pattern: '^(?!__proto__$|constructor$|prototype$).+' }),
    }),
  },
  output: { type: 'object', properties: { data: { type: 'object' } }, required: ['data'] },
  sampleOutput: { data: { fullName: 'Ada Lovelace' } },
  async run(ctx) {
    const source = ctx.props.source;
    if (source === null || typeof source !== 'object' || Array.isArray(source)) {
      throw new Error('source: must be an object');
    }
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      const target = Object.hasOwn(ctx.props.mapping, key) ? ctx.props.mapping[key]! : key;
      Object.defineProperty(data, target, { value, enumerable: true, writable: true, configurable: true });
    }
    return { data };
  },
});
