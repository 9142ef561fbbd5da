import { describe, expect, it } from 'vitest';
import { glibcTunables, MALLOC_TUNABLE } from './malloc-settings.ts';

describe('the malloc setting of an Area process', () => {
  it('is added to the tunables already set, and a threshold already chosen is kept', () => {
    expect(glibcTunables(undefined)).toBe(MALLOC_TUNABLE);
    expect(glibcTunables('')).toBe(MALLOC_TUNABLE);
    expect(glibcTunables('glibc.malloc.arena_max=2')).toBe(`glibc.malloc.arena_max=2:${MALLOC_TUNABLE}`);
    expect(glibcTunables('glibc.malloc.mmap_threshold=65536')).toBe('glibc.malloc.mmap_threshold=65536');
  });
});
