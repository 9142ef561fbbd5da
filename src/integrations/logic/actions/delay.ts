import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
/** The longest a run may wait in one delay. */
export const MAX_DELAY_MS = 365 * UNIT_MS.days;

export const delayAction = defineAction({
  key: 'delay',
  name: 'Delay',
  description:
    'Waits for a duration or until a time, then continues. The run waits without holding a worker.',
  flow: 'delay',
  props: {
    mode: prop.select({
      displayName: 'Wait',
      required: true,
      default: 'for',
      options: [
        { label: 'For a duration', value: 'for' },
        { label: 'Until a time', value: 'until' },
      ],
    }),
    amount: prop.number({ displayName: 'Amount', minimum: 0, placeholder: '10' }),
    unit: prop.select({
      displayName: 'Unit',
      default: 'minutes',
      options: [
        { label: 'Seconds', value: 'seconds' },
        { label: 'Minutes', value: 'minutes' },
        { label: 'Hours', value: 'hours' },
        { label: 'Days', value: 'days' },
      ],
    }),
    until: prop.dateTime({ displayName: 'Until', placeholder: '2026-01-05T09:00:00Z' }),
  },
  output: {
    type: 'object',
    properties: {
      waitUntil: { type: 'string', format: 'date-time' },
      delayMs: { type: 'integer', minimum: 0 },
    },
    required: ['waitUntil', 'delayMs'],
  },
  sampleOutput: { waitUntil: '2026-01-05T09:10:00.000Z', delayMs: 600000 },
  async run(ctx) {
    const now = Date.now();
    let target: number;
    if (ctx.props.mode === 'until') {
      if (!ctx.props.until) throw new Error('until: a date-time is required when waiting until a time');
      target = Date.parse(ctx.props.until);
      if (Number.isNaN(target)) throw new Error(`until: "${ctx.props.until}" is not a date-time`);
    } else {
      if (ctx.props.amount === undefined)
        throw new Error('amount: a number is required when waiting for a duration');
      target = now + ctx.props.amount * UNIT_MS[ctx.props.unit ?? 'minutes'];
    }
    const delayMs = Math.min(Math.max(0, Math.round(target - now)), MAX_DELAY_MS);
    return { waitUntil: new Date(now + delayMs).toISOString(), delayMs };
  },
});
