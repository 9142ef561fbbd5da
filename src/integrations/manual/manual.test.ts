import { describe, expect, it } from 'vitest';
import { manualRunTrigger } from './triggers/run.ts';

describe('manual.run', () => {
  it('overlays the input given on the defaults', () => {
    const event = manualRunTrigger.manual.toEvent(
      { name: 'Ada' },
      { defaults: { name: 'nobody', team: 'core' } },
    ) as {
      input: unknown;
      startedAt: string;
    };
    expect(event.input).toEqual({ name: 'Ada', team: 'core' });
    expect(Number.isNaN(Date.parse(event.startedAt))).toBe(false);
    expect((manualRunTrigger.manual.toEvent(42, {}) as { input: unknown }).input).toEqual({ value: 42 });
  });
});
