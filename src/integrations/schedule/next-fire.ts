import { CronExpressionParser } from 'cron-parser';

/** The first time strictly after `after` that the cron expression matches in the time zone. */
export function nextCronTime(expression: string, timezone: string, after: Date): Date {
  const cron = CronExpressionParser.parse(expression, { currentDate: after, tz: timezone });
  return cron.next().toDate();
}

/** Checks a cron expression and time zone; the message names the problem. */
export function checkCron(
  expression: string,
  timezone: string,
): { ok: true } | { ok: false; message: string } {
  if (!isTimeZone(timezone)) return { ok: false, message: `unknown time zone "${timezone}"` };
  try {
    CronExpressionParser.parse(expression, { tz: timezone, strict: false });
    return { ok: true };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000 } as const;
export type IntervalUnit = keyof typeof UNIT_MS;

/** Every N units, aligned to `anchor` (epoch by default) so restarts keep the same rhythm. */
export function nextIntervalTime(every: number, unit: IntervalUnit, after: Date, anchor?: Date): Date {
  const period = every * UNIT_MS[unit];
  const start = anchor?.getTime() ?? 0;
  const elapsed = after.getTime() - start;
  if (elapsed < 0) return new Date(start);
  return new Date(start + (Math.floor(elapsed / period) + 1) * period);
}
