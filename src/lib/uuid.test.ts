import { describe, expect, it } from 'vitest';
import { uuidv7 } from './uuid.ts';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('makes version 7 ids with the RFC 9562 variant, all different across many refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(FORMAT);
    expect(new Set(ids).size).toBe(ids.length);
    // The random part differs too, not only the time: two ids of the same millisecond.
    const [a, b] = [uuidv7(1_700_000_000_000), uuidv7(1_700_000_000_000)];
    expect(a?.slice(0, 13)).toBe(b?.slice(0, 13));
    expect(a).not.toBe(b);
  });

  it('starts with the time in milliseconds, so ids sort by the time they were made', () => {
    const at = Date.UTC(2026, 10, 24, 5, 0, 0, 123);
    expect(Number.parseInt(uuidv7(at).replace('-', '').slice(0, 12), 16)).toBe(at);
    const earlier = uuidv7(at - 1);
    const later = uuidv7(at + 1);
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});
