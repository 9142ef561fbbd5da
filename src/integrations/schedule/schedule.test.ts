import { describe, expect, it } from 'vitest';
import { checkCron } from './next-fire.ts';
import { cronTrigger } from './triggers/cron.ts';
import { dailyAtTrigger, dailyCron } from './triggers/daily-at.ts';
import { intervalTrigger } from './triggers/interval.ts';

describe('schedule triggers', () => {
  it('cron fires at the next match in its time zone', () => {
    // 09:00 in Paris on 5 Jan 2026 (winter, UTC+1) is 08:00 UTC.
    const next = cronTrigger.schedule.next(
      { expression: '0 9 * * *', timezone: 'Europe/Paris' },
      new Date('2026-01-05T07:00:00Z'),
    );
    expect(next?.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    const after = cronTrigger.schedule.next({ expression: '0 9 * * *', timezone: 'Europe/Paris' }, next!);
    expect(after?.toISOString()).toBe('2026-01-06T08:00:00.000Z');
    // Summer time (UTC+2).
    const summer = cronTrigger.schedule.next(
      { expression: '0 9 * * *', timezone: 'Europe/Paris' },
      new Date('2026-07-01T00:00:00Z'),
    );
    expect(summer?.toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(cronTrigger.schedule.toEvent?.({ expression: '* * * * *' }, next!)).toEqual({
      firedAt: '2026-01-05T08:00:00.000Z',
      timestamp: next!.getTime(),
      timezone: 'UTC',
    });
  });

  it('cron accepts seconds and rejects nonsense', () => {
    const next = cronTrigger.schedule.next(
      { expression: '*/10 * * * * *' },
      new Date('2026-01-05T07:00:03Z'),
    );
    expect(next?.toISOString()).toBe('2026-01-05T07:00:10.000Z');
    expect(checkCron('61 * * * *', 'UTC').ok).toBe(false);
    expect(checkCron('0 9 * * *', 'Mars/Olympus').ok).toBe(false);
    expect(checkCron('0 9 * * 1-5', 'America/New_York').ok).toBe(true);
  });

  it('interval keeps its rhythm from the start time', () => {
    const props = { every: 15, unit: 'minutes' as const, startAt: '2026-01-05T09:05:00Z' };
    expect(intervalTrigger.schedule.next(props, new Date('2026-01-05T09:06:00Z'))?.toISOString()).toBe(
      '2026-01-05T09:20:00.000Z',
    );
    expect(intervalTrigger.schedule.next(props, new Date('2026-01-05T09:20:00Z'))?.toISOString()).toBe(
      '2026-01-05T09:35:00.000Z',
    );
    expect(intervalTrigger.schedule.next(props, new Date('2026-01-05T08:00:00Z'))?.toISOString()).toBe(
      '2026-01-05T09:05:00.000Z',
    );
    expect(
      intervalTrigger.schedule
        .next({ every: 30, unit: 'seconds' }, new Date('2026-01-05T09:00:10Z'))
        ?.toISOString(),
    ).toBe('2026-01-05T09:00:30.000Z');
    expect(
      intervalTrigger.schedule
        .next({ every: 2, unit: 'hours' }, new Date('2026-01-05T09:00:00Z'))
        ?.toISOString(),
    ).toBe('2026-01-05T10:00:00.000Z');
  });

  it('daily_at fires at the time on the chosen weekdays', () => {
    expect(dailyCron('07:30', ['mon', 'fri'])).toBe('30 7 * * 1,5');
    // 2026-01-06 is a Tuesday: the next Monday/Friday 07:30 in New York (UTC-5) is Friday 9 Jan, 12:30 UTC.
    const next = dailyAtTrigger.schedule.next(
      { time: '07:30', timezone: 'America/New_York', weekdays: ['mon', 'fri'] },
      new Date('2026-01-06T12:00:00Z'),
    );
    expect(next?.toISOString()).toBe('2026-01-09T12:30:00.000Z');
    const daily = dailyAtTrigger.schedule.next({ time: '23:59' }, new Date('2026-01-06T23:59:00Z'));
    expect(daily?.toISOString()).toBe('2026-01-07T23:59:00.000Z');
  });
});
