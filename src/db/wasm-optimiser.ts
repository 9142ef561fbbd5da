import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * When V8 may optimise the embedded database's WebAssembly.
 *
 * V8 runs WebAssembly on baseline code first and recompiles a function with its optimising compiler
 * once it has run enough. The queries of one start are enough for about thirty of PostgreSQL's
 * functions, one of which alone takes half a second of CPU and 600 MB of transient memory to
 * optimise; an idle process then kept about 70 MB more resident memory, and the start took 0.3 s
 * longer on two cores. Optimised code pays off only under load, so a process holds the optimiser
 * back from the start and lets it go the first time it is busy for a few seconds in a row.
 *
 * V8's flags are process-wide and read when a function comes due for optimisation, so holding and
 * releasing take effect at once for every instance. Processes that never report their start (tests,
 * the command-line tools) keep baseline code, which serves their short lives well.
 */

// A function index no module has: only it may be optimised, so nothing is.
const NO_FUNCTION = 2 ** 31 - 1;
const WINDOW_MS = 1000;
const BUSY_WINDOWS = 2;
const BUSY_UTILIZATION = 0.3;

let held = false;
let released = false;

/** Whether the optimiser is held back now. */
export function wasmOptimiserHeld(): boolean {
  return held;
}

/** Holds the optimiser back, unless this process was already found busy. Call before PGlite starts. */
export function holdWasmOptimiser(): void {
  if (released) return;
  held = true;
  v8.setFlagsFromString(`--wasm-tier-up-filter=${NO_FUNCTION}`);
}

/**
 * Lets the optimiser go once the event loop was busy for BUSY_WINDOWS seconds in a row. Call when the
 * process has started (its own start is busy too); `cancel` stops watching (on close).
 */
export function releaseWasmOptimiserWhenBusy(): { cancel(): void } {
  if (released) return { cancel: () => {} };
  let since = performance.eventLoopUtilization();
  let busyWindows = 0;
  const timer = setInterval(() => {
    const { utilization } = performance.eventLoopUtilization(since);
    since = performance.eventLoopUtilization();
    busyWindows = utilization > BUSY_UTILIZATION ? busyWindows + 1 : 0;
    if (busyWindows < BUSY_WINDOWS) return;
    clearInterval(timer);
    releaseWasmOptimiser();
  }, WINDOW_MS);
  timer.unref();
  return { cancel: () => clearInterval(timer) };
}

export function releaseWasmOptimiser(): void {
  released = true;
  held = false;
  v8.setFlagsFromString('--wasm-tier-up-filter=-1');
}
