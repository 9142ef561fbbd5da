import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { isTimeZone } from '../../schedule/next-fire.ts';
import { formatDatePattern, parseDateInput } from '../format-date.ts';

export const formatDateAction = defineAction({
  key: 'format_date',
  name: 'Format a date',
  description:
    'Formats a date (ISO text, seconds or milliseconds) with a pattern, in a time zone and locale.',
  props: {
    value: prop.json({ displayName: 'Date', required: true, placeholder: '{{ trigger.firedAt }}' }),
    pattern: prop.text({
      displayName: 'Pattern',
      default: 'yyyy-MM-dd HH:mm',
      placeholder: "EEEE d MMMM yyyy 'at' HH:mm",
    }),
    timezone: prop.text({ displayName: 'Time zone', default: 'UTC' }),
    locale: prop.text({
      displayName: 'Locale',
      default: 'en-US',
      pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
    }),
  },
  output: {
    type: 'object',
    properties: {
      formatted: { type: 'string' },
      iso: { type: 'string', format: 'date-time' },
      unix: { type: 'integer', description: 'Seconds since 1970' },
    },
    required: ['formatted', 'iso', 'unix'],
  },
  sampleOutput: { formatted: '2026-01-05 09:00', iso: '2026-01-05T09:00:00.000Z', unix: 1767603600 },
  async run(ctx) {
    const date = parseDateInput(ctx.props.value);
    if (!date) throw new Error(`value: ${JSON.stringify(ctx.props.value)} is not a date`);
    const timezone = ctx.props.timezone ?? 'UTC';
    if (!isTimeZone(timezone)) throw new Error(`timezone: unknown time zone "${timezone}"`);
    return {
      formatted: formatDatePattern(
        date,
        ctx.props.pattern ?? 'yyyy-MM-dd HH:mm',
        timezone,
        ctx.props.locale ?? 'en-US',
      ),
      iso: date.toISOString(),
      unix: Math.floor(date.getTime() / 1000),
    };
  },
});
