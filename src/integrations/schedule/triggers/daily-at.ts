import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { nextCronTime } from '../next-fire.ts';
import { scheduleEvent, scheduleOutput, scheduleSample, TIMEZONE_PATTERN } from '../schedule-output.ts';

const DAYS = [
  { label: 'Sunday', value: 'sun' },
  { label: 'Monday', value: 'mon' },
  { label: 'Tuesday', value: 'tue' },
  { label: 'Wednesday', value: 'wed' },
  { label: 'Thursday', value: 'thu' },
  { label: 'Friday', value: 'fri' },
  { label: 'Saturday', value: 'sat' },
] as const;

/** "HH:MM" and optional weekdays -> a cron expression. */
export function dailyCron(time: string, weekdays: readonly string[] | undefined): string {
  const [hours, minutes] = time.split(':').map(Number);
  const days =
    weekdays && weekdays.length > 0
      ? weekdays.map((d) => DAYS.findIndex((x) => x.value === d)).join(',')
      : '*';
  return `${minutes} ${hours} * * ${days}`;
}

export const dailyAtTrigger = defineTrigger({
  key: 'daily_at',
  name: 'Every day at a time',
  description: 'Runs every day (or on chosen weekdays) at a time of day in a time zone.',
  mode: 'schedule',
  props: {
    time: prop.text({
      displayName: 'Time (HH:MM)',
      required: true,
      placeholder: '09:00',
      pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    }),
    timezone: prop.text({
      displayName: 'Time zone',
      default: 'UTC',
      placeholder: 'Europe/Paris',
      pattern: TIMEZONE_PATTERN,
    }),
    weekdays: prop.array({
      displayName: 'Only on',
      description: 'Leave empty for every day.',
      items: prop.select({ displayName: 'Day', options: DAYS }),
    }),
  },
  output: scheduleOutput,
  sampleOutput: scheduleSample,
  schedule: {
    next: (props, after) =>
      nextCronTime(dailyCron(props.time, props.weekdays), props.timezone ?? 'UTC', after),
    toEvent: (props, firedAt) => scheduleEvent(firedAt, props.timezone ?? 'UTC'),
  },
});
