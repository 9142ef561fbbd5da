import { closeSync, fstatSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Calls into the C library that hand memory back to the system or keep it from being taken, which
 * Node itself has no API for. The first two run once a process has settled after its start, and when
 * it is idle again after work (memory-release.ts); the third when the embedded database opens.
 *
 * - glibc's `malloc_trim(0)`. glibc's heaps keep the pages of freed blocks that lie between blocks
 *   still in use; only the top of a heap goes back on its own. The start (loading the code, compiling
 *   PostgreSQL's WebAssembly on V8's threads) leaves 8 to 10 MB of such pages in an idle embedded process.
 * - `madvise(MADV_DONTNEED)` on the pages of a WebAssembly memory that hold nothing but zeros. The
 *   embedded PostgreSQL zeroes its shared memory when it starts, so its shared buffers are resident
 *   before anything is read into them: 12 to 18 MB of zeros in an idle process. A private anonymous
 *   page given back reads as zeros again and is made anew when next written, so the memory's contents
 *   do not change. WebAssembly memory is only touched by the thread that runs it, which is this one,
 *   and nothing runs it while this runs.
 * - `mmap` of a data file that is only read, whose pages are then read from the file as they are
 *   first used and can be dropped again by the system, instead of a copy in the process's own memory.
 *   (A file cut short while mapped would make reading past its new end fatal: it is one of the
 *   installed packages' files, which an install replaces with new files rather than rewriting them.)
 *
 * Reached through koffi (a foreign function interface with prebuilt binaries). Undefined where it
 * cannot be had: another system or C library, or koffi missing for this platform.
 */
export interface NativeMemory {
  /** Hands back the free pages inside glibc's heaps. */
  trimMalloc(): void;
  /**
   * Hands back the resident pages of `memory` that hold only zeros; returns how many bytes (a page
   * only ever read counts too, though it held no memory of its own).
   */
  discardZeroPages(memory: ArrayBuffer): number;
  /**
   * The file as an ArrayBuffer over a private mapping of it: its pages are read when first touched,
   * and writes to it stay in this process. The mapping is never removed, as what holds views of it
   * cannot be known; undefined if the file cannot be mapped.
   */
  mapFile(path: string): ArrayBuffer | undefined;
}

const MADV_DONTNEED = 4;
const SC_PAGESIZE = 30;
const PROT_READ_WRITE = 1 | 2;
const MAP_PRIVATE = 2;
const MAP_FAILED = 2n ** 64n - 1n;

let loaded: NativeMemory | null | undefined;

export function nativeMemory(): NativeMemory | undefined {
  if (loaded === undefined) loaded = process.platform === 'linux' ? load() : null;
  return loaded ?? undefined;
}

type NativeFunction = (...args: unknown[]) => number | bigint;
interface Koffi {
  load(path: string): { func(declaration: string): NativeFunction };
  address(pointer: unknown): bigint;
  view(pointer: unknown, length: number): ArrayBuffer;
}

function load(): NativeMemory | null {
  let koffi: Koffi;
  let libc: ReturnType<Koffi['load']>;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    // glibc's name; other C libraries (musl) have neither this file nor malloc_trim.
    libc = koffi.load('libc.so.6');
  } catch {
    return null;
  }
  let mallocTrim: NativeFunction;
  let madvise: NativeFunction;
  let mincore: NativeFunction;
  let mmap: NativeFunction;
  let pageSize: number;
  try {
    mallocTrim = libc.func('int malloc_trim(size_t pad)');
    madvise = libc.func('int madvise(void *addr, size_t length, int advice)');
    mincore = libc.func('int mincore(void *addr, size_t length, void *vec)');
    mmap = libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)');
    pageSize = Number(libc.func('long sysconf(int name)')(SC_PAGESIZE));
  } catch {
    return null;
  }
  if (!Number.isInteger(pageSize) || pageSize < 4096 || pageSize % 4096 !== 0) return null;

  return {
    trimMalloc() {
      mallocTrim(0);
    },
    discardZeroPages(memory) {
      const pages = Math.floor(memory.byteLength / pageSize);
      if (pages === 0) return 0;
      const resident = new Uint8Array(pages);
      // A typed array passed as a pointer is its own storage (no copy). mincore also checks that the
      // memory starts on a page: it fails otherwise, and then nothing is done.
      if (mincore(new Uint8Array(memory, 0, pages * pageSize), pages * pageSize, resident) !== 0) return 0;
      const words = new Int32Array(memory, 0, (pages * pageSize) / 4);
      const wordsPerPage = pageSize / 4;
      let released = 0;
      let runStart = -1;
      const release = (end: number) => {
        if (runStart < 0) return;
        const length = (end - runStart) * pageSize;
        if (madvise(new Uint8Array(memory, runStart * pageSize, length), length, MADV_DONTNEED) === 0)
          released += length;
        runStart = -1;
      };
      for (let page = 0; page < pages; page++) {
        if ((resident[page] as number) & 1 && isZero(words, page * wordsPerPage, wordsPerPage)) {
          if (runStart < 0) runStart = page;
        } else {
          release(page);
        }
      }
      release(pages);
      return released;
    },
    mapFile(path) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        return undefined;
      }
      try {
        const { size } = fstatSync(fd);
        if (size === 0) return undefined;
        const pointer = mmap(null, size, PROT_READ_WRITE, MAP_PRIVATE, fd, 0);
        if (!pointer || koffi.address(pointer) === MAP_FAILED) return undefined;
        return koffi.view(pointer, size);
      } catch {
        return undefined;
      } finally {
        closeSync(fd);
      }
    },
  };
}

function isZero(words: Int32Array, from: number, count: number): boolean {
  for (let i = from, end = from + count; i < end; i++) if (words[i] !== 0) return false;
  return true;
}
