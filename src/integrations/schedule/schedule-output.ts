/** What every schedule trigger hands to the run. */
export const scheduleOutput = {
  type: 'object',
  properties: {
    firedAt: { type: 'string', format: 'date-time', description: 'When the tick was due' },
    timestamp: { type: 'integer', description: 'firedAt in milliseconds since 1970' },
    timezone: { type: 'string' },
  },
  required: ['firedAt', 'timestamp'],
} as const;

export function scheduleEvent(firedAt: Date, timezone?: string) {
  return { firedAt: firedAt.toISOString(), timestamp: firedAt.getTime(), ...(timezone ? { timezone } : {}) };
}

export const scheduleSample = {
  firedAt: '2026-01-05T09:00:00.000Z',
  timestamp: 1767603600000,
  timezone: 'UTC',
};

export const TIMEZONE_PATTERN = '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$';
