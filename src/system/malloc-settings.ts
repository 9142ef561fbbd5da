/**
 * The glibc malloc setting an Area process starts with (it is read from the environment when a process
 * starts, so whatever starts one sets it: the npm scripts, `bin/area.js`, the process harness).
 *
 * glibc gives each block of 128 KB or more a mapping of its own, handed back to the system when the
 * block is freed, and then raises that threshold to the size of the freed block (up to 32 MB). V8's
 * optimising compiler takes a few hundred megabytes in blocks of up to several megabytes to compile
 * the largest of PostgreSQL's WebAssembly functions, a few seconds after an embedded start; once the
 * threshold had risen those blocks came from malloc's heaps, which keep the memory after it is freed:
 * an idle process held 70 to 80 MB more. Setting the threshold to glibc's own starting value keeps it
 * there. Other C libraries ignore the variable.
 */
export const MALLOC_TUNABLE = 'glibc.malloc.mmap_threshold=131072';

/** GLIBC_TUNABLES with the setting added, keeping those already set (and the threshold, if one is). */
export function glibcTunables(current: string | undefined): string {
  if (!current) return MALLOC_TUNABLE;
  if (current.split(':').some((tunable) => tunable.startsWith('glibc.malloc.mmap_threshold=')))
    return current;
  return `${current}:${MALLOC_TUNABLE}`;
}
