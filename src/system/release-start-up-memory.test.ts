import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { releaseStartUpMemory } from './release-start-up-memory.ts';

const youngGenerationMb = () =>
  (v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20;

describe('the release of start-up memory', () => {
  it('shrinks the young generation a burst of allocations grew, and leaves gc unexposed', () => {
    // A start-up-like burst: many objects, a good share of them surviving a while.
    let kept: object[] = [];
    for (let i = 0; i < 2_000_000; i++) {
      const item = { i, text: `item ${i}` };
      if (i % 4 === 0) kept.push(item);
    }
    expect(kept.length).toBe(500_000);
    kept = [];
    const grown = youngGenerationMb();
    expect(grown).toBeGreaterThan(4);
    releaseStartUpMemory();
    expect(youngGenerationMb()).toBeLessThan(grown / 2);
    expect(vm.runInNewContext('typeof gc')).toBe(typeof (globalThis as { gc?: unknown }).gc);
  });
});
