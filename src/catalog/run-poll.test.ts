import { describe, expect, it } from 'vitest';
import { selectNewItems } from './run-poll.ts';

describe('poll dedupe', () => {
  it('by id fires each id once and remembers across polls', () => {
    const dedupe = { by: 'id' as const, id: (i: { id: string }) => i.id };
    const first = selectNewItems(dedupe, undefined, [{ id: 'a' }, { id: 'b' }, { id: 'a' }]);
    expect(first.fresh).toEqual([{ id: 'a' }, { id: 'b' }]);
    const second = selectNewItems(dedupe, first.next, [{ id: 'b' }, { id: 'c' }]);
    expect(second.fresh).toEqual([{ id: 'c' }]);
    expect(second.next.seenIds).toEqual(['a', 'b', 'c']);
  });

  it('by timestamp fires newer items, and same-time items by id', () => {
    const dedupe = {
      by: 'timestamp' as const,
      timestamp: (i: { id: string; at: string }) => i.at,
      id: (i: { id: string; at: string }) => i.id,
    };
    const first = selectNewItems(dedupe, undefined, [
      { id: '2', at: '2026-01-05T10:00:00Z' },
      { id: '1', at: '2026-01-05T09:00:00Z' },
    ]);
    expect(first.fresh.map((i) => i.id)).toEqual(['1', '2']);
    const second = selectNewItems(dedupe, first.next, [
      { id: '1', at: '2026-01-05T09:00:00Z' },
      { id: '2', at: '2026-01-05T10:00:00Z' },
      { id: '3', at: '2026-01-05T10:00:00Z' },
      { id: '4', at: '2026-01-05T11:00:00Z' },
    ]);
    expect(second.fresh.map((i) => i.id)).toEqual(['3', '4']);
    const third = selectNewItems(dedupe, second.next, [{ id: '4', at: '2026-01-05T11:00:00Z' }]);
    expect(third.fresh).toEqual([]);
  });
});
