import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

type CollectGarbage = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Windows in which the process is looked at after its start, and the share of one it may be busy. */
const WINDOW_MS = 2000;
const WINDOWS = 5;
const IDLE_UTILIZATION = 0.5;

/**
 * Hands back the memory the start-up needed but a running process does not.
 *
 * Loading the code and building the server allocate a few hundred megabytes of short-lived data
 * (module sources, schemas, generated code). V8 grows its young generation to its maximum (64 MB
 * on a machine this size) to absorb that burst and keeps it until memory runs short, and the old
 * generation keeps pages the start-up touched: an idle process held 25 to 35 MB it no longer used.
 * One memory-reducing collection once the process has settled shrinks both; under load the young
 * generation grows again as it needs.
 *
 * Node has no API for this: the collector is reached the way test runners reach it, by exposing
 * `gc` to one throw-away context (V8 reads the flag when a context is created) and unsetting the
 * flag at once. The collection pauses the process once (70 to 150 ms measured here), so it runs in
 * the first two-second window after the start in which the event loop was mostly idle, and not at
 * all if none came within ten seconds: a process that busy is using that memory anyway.
 */
export function scheduleStartUpMemoryRelease(): { cancel(): void } {
  let since = performance.eventLoopUtilization();
  let windows = 0;
  const timer = setInterval(() => {
    const { utilization } = performance.eventLoopUtilization(since);
    since = performance.eventLoopUtilization();
    windows += 1;
    if (utilization > IDLE_UTILIZATION && windows < WINDOWS) return;
    clearInterval(timer);
    if (utilization <= IDLE_UTILIZATION) releaseStartUpMemory();
  }, WINDOW_MS);
  timer.unref();
  return { cancel: () => clearInterval(timer) };
}

export function releaseStartUpMemory(): void {
  v8.setFlagsFromString('--expose-gc');
  let collect: CollectGarbage;
  try {
    collect = vm.runInNewContext('gc') as CollectGarbage;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
