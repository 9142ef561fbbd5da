import { defineService } from '../../catalog/define.ts';
import { cronTrigger } from './triggers/cron.ts';
import { dailyAtTrigger } from './triggers/daily-at.ts';
import { intervalTrigger } from './triggers/interval.ts';

export const scheduleService = defineService({
  key: 'schedule',
  name: 'Schedule',
  description: 'Start workflows on a timetable: cron, fixed intervals, or daily at a time.',
  icon: 'clock',
  category: 'core',
  auth: { type: 'none' },
  triggers: [cronTrigger, intervalTrigger, dailyAtTrigger],
  actions: [],
  templates: [
    {
      name: 'Weekday mornings',
      description: 'Every weekday at 09:00 in your time zone.',
      configuration: {
        component: 'daily_at',
        props: { time: '09:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      },
    },
  ],
});
