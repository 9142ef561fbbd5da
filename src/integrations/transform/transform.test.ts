import { describe, expect, it } from 'vitest';
import { standaloneActionContext } from '../../catalog/test-context.ts';
import { buildAction } from './actions/build.ts';
import { formatDateAction } from './actions/format-date.ts';
import { formatNumberAction } from './actions/format-number.ts';
import { pickAction } from './actions/pick.ts';
import { renameAction } from './actions/rename.ts';

describe('transform', () => {
  it('build nests dotted names', async () => {
    const out = await buildAction.run(
      standaloneActionContext({ fields: { 'customer.name': 'Ada', 'customer.id': 7, total: 19.9 } }),
    );
    expect(out.data).toEqual({ customer: { name: 'Ada', id: 7 }, total: 19.9 });
    await expect(
      buildAction.run(standaloneActionContext({ fields: { '__proto__.polluted': 1 } })),
    ).rejects.toThrow(/not allowed/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('pick keeps only the paths asked for', async () => {
    const source = { id: 7, secret: 'x', customer: { email: 'ada@example.com', phone: '1' } };
    const out = await pickAction.run(
      standaloneActionContext({ source, fields: ['id', 'customer.email', 'missing'] }),
    );
    expect(out.data).toEqual({ id: 7, customer: { email: 'ada@example.com' } });
  });

  it('rename renames top-level fields', async () => {
    const out = await renameAction.run(
      standaloneActionContext({ source: { first: 'Ada', keep: 1 }, mapping: { first: 'firstName' } }),
    );
    expect(out.data).toEqual({ firstName: 'Ada', keep: 1 });
  });

  it('format_date formats in a time zone and locale', async () => {
    const out = await formatDateAction.run(
      standaloneActionContext({
        value: '2026-01-05T08:00:00Z',
        pattern: "EEEE d MMMM yyyy 'at' HH:mm",
        timezone: 'Europe/Paris',
        locale: 'en-GB',
      }),
    );
    expect(out).toEqual({
      formatted: 'Monday 5 January 2026 at 09:00',
      iso: '2026-01-05T08:00:00.000Z',
      unix: 1767600000,
    });
    const fromSeconds = await formatDateAction.run(
      standaloneActionContext({ value: 1767600000, pattern: 'dd/MM/yy HH:mm:ss' }),
    );
    expect(fromSeconds.formatted).toBe('05/01/26 08:00:00');
    await expect(formatDateAction.run(standaloneActionContext({ value: 'yesterday-ish' }))).rejects.toThrow(
      /not a date/,
    );
  });

  it('format_number formats decimals, percents and currencies', async () => {
    expect(
      (
        await formatNumberAction.run(
          standaloneActionContext({
            value: '1234.5',
            style: 'currency' as const,
            currency: 'EUR',
            locale: 'en-US',
          }),
        )
      ).formatted,
    ).toBe('€1,234.50');
    expect(
      (
        await formatNumberAction.run(
          standaloneActionContext({ value: 0.256, style: 'percent' as const, decimals: 1 }),
        )
      ).formatted,
    ).toBe('25.6%');
    expect(
      (
        await formatNumberAction.run(
          standaloneActionContext({ value: 1234.5678, decimals: 2, locale: 'de-DE' }),
        )
      ).formatted,
    ).toBe('1.234,57');
    await expect(formatNumberAction.run(standaloneActionContext({ value: 'abc' }))).rejects.toThrow(
      /not a number/,
    );
  });
});
