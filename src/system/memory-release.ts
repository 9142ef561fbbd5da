import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { nativeMemory } from './native-memory.ts';

type CollectGarbage = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** How often the process is looked at, and the share of that time it may be busy to count as idle. */
const WINDOW_MS = 2000;
const IDLE_UTILIZATION = 0.5;
/** The first release comes in the first idle window of these after the start, or not at all. */
const START_WINDOWS = 5;
/** Later releases: once idle and resident memory grew by this much since the last one. */
const GROWTH_BYTES = 4 * 2 ** 20;

export interface MemoryRelease {
  zeroPageBytes: number;
  collected: boolean;
  residentBytes: number;
}

export interface MemoryReleaseOptions {
  /** The WebAssembly memories whose zero pages go back (read at each release: a memory that grows gets a new buffer). */
  zeroPageMemories?: () => readonly ArrayBuffer[];
  /**
   * Told of each release: the bytes of zero pages handed back, whether V8 collected first, and the
   * process's resident memory after it.
   */
  onRelease?: (release: MemoryRelease) => void;
  /** The length of a window (tests). */
  windowMs?: number;
}

/**
 * Hands back memory a running process no longer uses.
 *
 * After the start. Loading the code and building the server allocate a few hundred megabytes of
 * short-lived data (module sources, schemas, generated code). V8 grows its young generation to its
 * maximum (64 MB on a machine this size) to absorb that burst and keeps it until memory runs short,
 * and the old generation keeps pages the start-up touched: an idle process held 25 to 35 MB it no
 * longer used. One memory-reducing collection once the process has settled shrinks both; under load
 * the young generation grows again as it needs. It pauses the process once (70 to 150 ms measured
 * here), so it runs in the first two-second window after the start in which the event loop was mostly
 * idle, and not at all if none came within ten seconds: a process that busy is using that memory anyway.
 *
 * Then, whenever the process is idle and its resident memory grew by 4 MB since the last release,
 * what the C library side can hand back (native-memory.ts) goes: the free pages glibc's heaps kept
 * and the zero pages of the WebAssembly memories `zeroPageMemories` returns (the embedded database's).
 * The work that needs them comes in bursts: the start, V8 optimising PostgreSQL's hot WebAssembly
 * functions on its own threads in the first half minute, a spell of load. No collection then: V8's
 * own memory reducer sees to its heap once allocation slows down.
 */
export function scheduleMemoryRelease(options: MemoryReleaseOptions = {}): { cancel(): void } {
  const zeroPageMemories = options.zeroPageMemories ?? (() => []);
  let since = performance.eventLoopUtilization();
  let windows = 0;
  // Resident memory after the last release; undefined until the first.
  let baseline: number | undefined;
  const timer = setInterval(() => {
    const { utilization } = performance.eventLoopUtilization(since);
    since = performance.eventLoopUtilization();
    const idle = utilization <= IDLE_UTILIZATION;
    windows += 1;
    if (windows <= START_WINDOWS && baseline === undefined) {
      if (!idle) return;
      const zeroPageBytes = releaseStartUpMemory(zeroPageMemories());
      baseline = process.memoryUsage.rss();
      options.onRelease?.({ zeroPageBytes, collected: true, residentBytes: baseline });
      return;
    }
    if (!idle) return;
    const resident = process.memoryUsage.rss();
    if (baseline !== undefined && resident <= baseline + GROWTH_BYTES) {
      baseline = Math.min(baseline, resident);
      return;
    }
    const zeroPageBytes = releaseNativeMemory(zeroPageMemories());
    baseline = process.memoryUsage.rss();
    options.onRelease?.({ zeroPageBytes, collected: false, residentBytes: baseline });
  }, options.windowMs ?? WINDOW_MS);
  timer.unref();
  return { cancel: () => clearInterval(timer) };
}

/**
 * One memory-reducing collection, then the C library's side. Node has no API for the collection: the
 * collector is reached the way test runners reach it, by exposing `gc` to one throw-away context (V8
 * reads the flag when a context is created) and unsetting the flag at once.
 * Returns the bytes the C library's side handed back (0 where it is not available).
 */
export function releaseStartUpMemory(zeroPageMemories: readonly ArrayBuffer[] = []): number {
  v8.setFlagsFromString('--expose-gc');
  let collect: CollectGarbage;
  try {
    collect = vm.runInNewContext('gc') as CollectGarbage;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  // After the collection: it freed the blocks behind what V8 let go of.
  return releaseNativeMemory(zeroPageMemories);
}

/** glibc's free pages and the zero pages of `zeroPageMemories`; returns the bytes of the latter. */
export function releaseNativeMemory(zeroPageMemories: readonly ArrayBuffer[]): number {
  const native = nativeMemory();
  if (!native) return 0;
  native.trimMalloc();
  let released = 0;
  for (const memory of zeroPageMemories) released += native.discardZeroPages(memory);
  return released;
}
