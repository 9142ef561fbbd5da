import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { LINUX_GLIBC } from '../testing/platform.ts';
import { type MemoryRelease, releaseStartUpMemory, scheduleMemoryRelease } from './memory-release.ts';

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

describe.runIf(LINUX_GLIBC)('the releases while the process runs', () => {
  it('releases once settled after the start, then again only once resident memory grew while idle', async () => {
    const memory = new WebAssembly.Memory({ initial: 512 }); // 32 MB
    const bytes = new Uint8Array(memory.buffer);
    bytes.fill(1, 0, 2 * 2 ** 20);
    bytes.fill(0, 0, 2 * 2 ** 20);
    const releases: MemoryRelease[] = [];
    const next = (count: number) =>
      vi.waitFor(() => expect(releases.length).toBeGreaterThanOrEqual(count), {
        timeout: 10_000,
        interval: 20,
      });
    const schedule = scheduleMemoryRelease({
      zeroPageMemories: () => [memory.buffer],
      onRelease: (release) => releases.push(release),
      windowMs: 100,
    });
    try {
      await next(1);
      expect(releases[0]?.collected).toBe(true);
      expect(releases[0]?.zeroPageBytes).toBeGreaterThanOrEqual(2 * 2 ** 20);
      // Idle and no bigger: nothing more.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(releases).toHaveLength(1);
      // 12 MB more resident, as after a spell of work.
      bytes.fill(1, 4 * 2 ** 20, 16 * 2 ** 20);
      bytes.fill(0, 4 * 2 ** 20, 16 * 2 ** 20);
      await next(2);
      expect(releases[1]?.collected).toBe(false);
      expect(releases[1]?.zeroPageBytes).toBeGreaterThanOrEqual(12 * 2 ** 20);
    } finally {
      schedule.cancel();
    }
  });
});
