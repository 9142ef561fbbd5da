import { describe, expect, it } from 'vitest';
import { standaloneActionContext } from '../../catalog/test-context.ts';
import { conditionAction } from './actions/condition.ts';
import { delayAction } from './actions/delay.ts';
import { filterAction } from './actions/filter.ts';

describe('logic', () => {
  it('condition picks the branch from rendered comparisons', async () => {
    const run = (
      conditions: Parameters<typeof conditionAction.run>[0]['props']['conditions'],
      combine?: 'all' | 'any',
    ) => conditionAction.run(standaloneActionContext({ conditions, combine }));
    expect(await run([{ left: '150', operator: 'greater_than', right: 100 }])).toEqual({
      result: true,
      matched: 1,
    });
    expect(
      await run([
        { left: 'ada@example.com', operator: 'ends_with', right: '@example.com' },
        { left: 3, operator: 'less_than', right: 2 },
      ]),
    ).toEqual({ result: false, matched: 1 });
    expect(
      await run(
        [
          { left: 3, operator: 'less_than', right: 2 },
          { left: ['a', 'b'], operator: 'contains', right: 'b' },
        ],
        'any',
      ),
    ).toEqual({
      result: true,
      matched: 1,
    });
    expect(
      await run([
        { left: '', operator: 'is_empty' },
        { left: 'true', operator: 'is_true' },
        { left: 'x', operator: 'equals', right: 'x' },
      ]),
    ).toMatchObject({ result: true });
    expect(
      await run([{ left: '2026-01-05T10:00:00Z', operator: 'greater_than', right: '2026-01-05T09:00:00Z' }]),
    ).toMatchObject({ result: true });
  });

  it('filter passes or stops quietly', async () => {
    const ctx = standaloneActionContext({
      conditions: [{ left: 'paid', operator: 'equals' as const, right: 'refunded' }],
    });
    expect(await filterAction.run(ctx)).toEqual({ pass: false, matched: 0 });
    expect(ctx.lines.some((l) => l.message.includes('stopped'))).toBe(true);
    expect(
      await filterAction.run(
        standaloneActionContext({
          conditions: [{ left: 'paid', operator: 'equals' as const, right: 'paid' }],
        }),
      ),
    ).toEqual({ pass: true, matched: 1 });
  });

  it('delay says how long to wait, for a duration or until a time', async () => {
    const before = Date.now();
    const out = await delayAction.run(
      standaloneActionContext({ mode: 'for' as const, amount: 10, unit: 'minutes' as const }),
    );
    expect(out.delayMs).toBe(600_000);
    expect(Date.parse(out.waitUntil)).toBeGreaterThanOrEqual(before + 600_000);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const later = await delayAction.run(standaloneActionContext({ mode: 'until' as const, until }));
    expect(later.waitUntil).toBe(until);
    const past = await delayAction.run(
      standaloneActionContext({ mode: 'until' as const, until: '2000-01-01T00:00:00Z' }),
    );
    expect(past.delayMs).toBe(0);
    await expect(
      delayAction.run(standaloneActionContext({ mode: 'until' as const, until: 'soon' })),
    ).rejects.toThrow(/until/);
  });
});
