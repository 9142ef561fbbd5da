/**
 * Formats a date with a small, safe pattern language: yyyy yy MM M dd d HH H mm ss SSS EEE EEEE MMM MMMM,
 * anything in single quotes is literal. Evaluated in a time zone and a locale with Intl.
 */
const TOKEN = /'[^']*'|yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|mm|ss|SSS|EEEE|EEE/g;

export function formatDatePattern(date: Date, pattern: string, timeZone: string, locale: string): string {
  const parts = (options: Intl.DateTimeFormatOptions) => {
    const map: Record<string, string> = {};
    for (const p of new Intl.DateTimeFormat(locale, { timeZone, ...options }).formatToParts(date))
      map[p.type] = p.value;
    return map;
  };
  const n = parts({
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const pad = (v: string | undefined) => (v ?? '').padStart(2, '0');
  return pattern.replace(TOKEN, (token) => {
    switch (token) {
      case 'yyyy':
        return n['year'] ?? '';
      case 'yy':
        return (n['year'] ?? '').slice(-2);
      case 'MMMM':
        return parts({ month: 'long' })['month'] ?? '';
      case 'MMM':
        return parts({ month: 'short' })['month'] ?? '';
      case 'MM':
        return pad(n['month']);
      case 'M':
        return String(Number(n['month']));
      case 'dd':
        return pad(n['day']);
      case 'd':
        return String(Number(n['day']));
      case 'HH':
        return pad(n['hour']);
      case 'H':
        return String(Number(n['hour']));
      case 'mm':
        return pad(n['minute']);
      case 'ss':
        return pad(n['second']);
      case 'SSS':
        return String(date.getUTCMilliseconds()).padStart(3, '0');
      case 'EEEE':
        return parts({ weekday: 'long' })['weekday'] ?? '';
      case 'EEE':
        return parts({ weekday: 'short' })['weekday'] ?? '';
      default:
        return token.slice(1, -1);
    }
  });
}

/** Accepts ISO strings, milliseconds or seconds since 1970 (numbers below 1e11 are taken as seconds). */
export function parseDateInput(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    return new Date(n < 1e11 ? n * 1000 : n);
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  return undefined;
}
