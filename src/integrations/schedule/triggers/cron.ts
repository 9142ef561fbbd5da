import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { nextCronTime } from '../next-fire.ts';
import { scheduleEvent, scheduleOutput, scheduleSample, TIMEZONE_PATTERN } from '../schedule-output.ts';

export const cronTrigger = defineTrigger({
  key: 'cron',
  name: 'Cron schedule',
  description:
    'Runs on a cron expression (minute hour day month weekday, optional seconds first) in a time zone.',
  mode: 'schedule',
  props: {
    expression: prop.text({
      displayName: 'Cron expression',
      required: true,
      placeholder: '0 9 * * 1-5',
      pattern: '^\\S+(\\s+\\S+){4,5}$',
    }),
    timezone: prop.text({
      displayName: 'Time zone',
      default: 'UTC',
      placeholder: 'Europe/Paris',
      pattern: TIMEZONE_PATTERN,
    }),
  },
  output: scheduleOutput,
  sampleOutput: scheduleSample,
  schedule: {
    next: (props, after) => nextCronTime(props.expression, props.timezone ?? 'UTC', after),
    toEvent: (props, firedAt) => scheduleEvent(firedAt, props.timezone ?? 'UTC'),
  },
});
