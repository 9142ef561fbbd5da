import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';

export const formatNumberAction = defineAction({
  key: 'format_number',
  name: 'Format a number',
  description: 'Formats a number as decimal, percent or currency with a locale and a number of decimals.',
  props: {
    value: prop.json({ displayName: 'Number', required: true, placeholder: '{{ trigger.body.total }}' }),
    style: prop.select({
      displayName: 'Style',
      default: 'decimal',
      options: [
        { label: 'Decimal', value: 'decimal' },
        { label: 'Percent', value: 'percent' },
        { label: 'Currency', value: 'currency' },
      ],
    }),
    currency: prop.text({ displayName: 'Currency', placeholder: 'EUR', pattern: '^[A-Z]{3}$' }),
    decimals: prop.number({ displayName: 'Decimals', integer: true, minimum: 0, maximum: 20 }),
    locale: prop.text({
      displayName: 'Locale',
      default: 'en-US',
      pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
    }),
  },
  output: {
    type: 'object',
    properties: { formatted: { type: 'string' }, value: { type: 'number' } },
    required: ['formatted', 'value'],
  },
  sampleOutput: { formatted: '€1,234.50', value: 1234.5 },
  async run(ctx) {
    const value =
      typeof ctx.props.value === 'number' ? ctx.props.value : Number(String(ctx.props.value).trim());
    if (!Number.isFinite(value)) throw new Error(`value: ${JSON.stringify(ctx.props.value)} is not a number`);
    const style = ctx.props.style ?? 'decimal';
    if (style === 'currency' && !ctx.props.currency)
      throw new Error('currency: required for the currency style');
    const decimals = ctx.props.decimals;
    const formatted = new Intl.NumberFormat(ctx.props.locale ?? 'en-US', {
      style,
      ...(style === 'currency' ? { currency: ctx.props.currency } : {}),
      ...(decimals !== undefined ? { minimumFractionDigits: decimals, maximumFractionDigits: decimals } : {}),
    }).format(value);
    return { formatted, value };
  },
});
