import { CronExpressionParser } from 'cron-parser';

// Many schedules share an expression ("every minute", "9:00 on weekdays") and fire in the same slot,
// so each asks for the same next time: it is worked out once.
const NEXT_CACHE_LIMIT = 5_000;
const nextCache = new Map<string, number>();

/** The first time strictly after `after` that the cron expression matches in the time zone. */
export function nextCronTime(expression: string, timezone: string, after: Date): Date {
  const key = `${after.getTime()}\u0000${timezone}\u0000${expression}`;
  const known = nextCache.get(key);
  if (known !== undefined) return new Date(known);
  const next = CronExpressionParser.parse(expression, { currentDate: after, tz: timezone }).next().toDate();
  if (nextCache.size >= NEXT_CACHE_LIMIT) nextCache.clear();
  nextCache.set(key, next.getTime());
  return next;
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
