import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { nextIntervalTime } from '../next-fire.ts';
import { scheduleEvent, scheduleOutput, scheduleSample } from '../schedule-output.ts';

export const intervalTrigger = defineTrigger({
  key: 'interval',
  name: 'Every N seconds, minutes or hours',
  description: 'Runs at a fixed interval, aligned to a start time so restarts keep the rhythm.',
  mode: 'schedule',
  props: {
    every: prop.number({
      displayName: 'Every',
      required: true,
      integer: true,
      minimum: 1,
      maximum: 100_000,
      default: 15,
    }),
    unit: prop.select({
      displayName: 'Unit',
      required: true,
      default: 'minutes',
      options: [
        { label: 'Seconds', value: 'seconds' },
        { label: 'Minutes', value: 'minutes' },
        { label: 'Hours', value: 'hours' },
      ],
    }),
    startAt: prop.dateTime({
      displayName: 'Start at',
      description: 'First tick; ticks follow every N units from it.',
    }),
  },
  output: scheduleOutput,
  sampleOutput: scheduleSample,
  schedule: {
    next: (props, after) =>
      nextIntervalTime(props.every, props.unit, after, props.startAt ? new Date(props.startAt) : undefined),
    toEvent: (_props, firedAt) => scheduleEvent(firedAt),
  },
});
