import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { holdWasmOptimiser, releaseWasmOptimiserWhenBusy, wasmOptimiserHeld } from './wasm-optimiser.ts';

/** Keeps the event loop busy for `ms`, in slices so timers still run between them. */
async function busyFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const slice = Date.now() + 50;
    while (Date.now() < slice) {}
    await sleep(1);
  }
}

describe('the WebAssembly optimiser of the embedded database', () => {
  it('stays held while the process idles and is let go once it is busy, for good', async () => {
    holdWasmOptimiser();
    expect(wasmOptimiserHeld()).toBe(true);
    const watcher = releaseWasmOptimiserWhenBusy();
    await sleep(2200);
    expect(wasmOptimiserHeld()).toBe(true);
    await busyFor(3500);
    expect(wasmOptimiserHeld()).toBe(false);
    watcher.cancel();
    // A database opened later in a process found busy is optimised as usual.
    holdWasmOptimiser();
    expect(wasmOptimiserHeld()).toBe(false);
  }, 15_000);
});
