import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINUX_GLIBC } from '../testing/platform.ts';
import { nativeMemory } from './native-memory.ts';

const PAGE = 65_536; // a WebAssembly page: whole pages of the system's size whatever it is

/** The process's resident anonymous memory, in bytes. */
const residentAnonymous = () =>
  Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;

describe.runIf(LINUX_GLIBC)('the C library calls that hand memory back', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'area-native-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are available on Linux with glibc', () => {
    expect(nativeMemory()).toBeDefined();
  });

  it('hands back the resident zero pages of a WebAssembly memory and keeps every byte as it was', () => {
    const native = nativeMemory();
    if (!native) throw new Error('no native memory calls');
    const memory = new WebAssembly.Memory({ initial: 512 }); // 32 MB, none of it touched yet
    const bytes = new Uint8Array(memory.buffer);
    // 16 MB written and zeroed again (as PostgreSQL's start does with its shared memory), with data
    // in one page of every sixteen, and 16 MB never touched.
    bytes.fill(7, 0, 16 * 2 ** 20);
    bytes.fill(0, 0, 16 * 2 ** 20);
    for (let page = 0; page < 256; page += 16) bytes[page * PAGE + 100] = page + 1;
    const before = residentAnonymous();

    const released = native.discardZeroPages(memory.buffer);

    const freed = before - residentAnonymous();
    // 15 of every 16 WebAssembly pages are zeros; the page with data keeps at least its system page.
    expect(released).toBeGreaterThanOrEqual(15 * 16 * PAGE);
    expect(released).toBeLessThan(16 * 2 ** 20);
    expect(freed).toBeGreaterThan(released * 0.8);
    for (let page = 0; page < 512; page++) {
      expect(bytes[page * PAGE + 100]).toBe(page < 256 && page % 16 === 0 ? page + 1 : 0);
    }
    let others = 0;
    for (let i = 0; i < bytes.length; i++) if (i % PAGE !== 100) others += bytes[i] as number;
    expect(others).toBe(0);
    // Pages handed back are written again as usual. (Reading a page never written maps the system's
    // shared zero page, which counts as resident: the reads above did, for the whole memory.)
    native.discardZeroPages(memory.buffer);
    bytes.fill(9, PAGE, 2 * PAGE);
    expect(bytes[PAGE + 5]).toBe(9);
    bytes.fill(0, PAGE, 2 * PAGE);
    expect(native.discardZeroPages(memory.buffer)).toBe(PAGE);
  });

  it('maps a file privately: the same bytes, and writes stay in the process', () => {
    const native = nativeMemory();
    if (!native) throw new Error('no native memory calls');
    const file = path.join(dir, 'data.bin');
    const content = Buffer.alloc(300_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31) % 251;
    writeFileSync(file, content);

    const mapped = native.mapFile(file);

    expect(mapped).toBeInstanceOf(ArrayBuffer);
    const view = new Uint8Array(mapped as ArrayBuffer);
    expect(Buffer.from(view).equals(content)).toBe(true);
    view[10] = 255;
    expect(view[10]).toBe(255);
    expect(readFileSync(file)[10]).toBe(content[10]);
    expect(readFileSync('/proc/self/maps', 'utf8')).toContain(file);
  });

  it('maps nothing for a missing or an empty file', () => {
    const native = nativeMemory();
    if (!native) throw new Error('no native memory calls');
    const empty = path.join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect(native.mapFile(path.join(dir, 'missing.bin'))).toBeUndefined();
    expect(native.mapFile(empty)).toBeUndefined();
  });

  it('trims the C library heaps without harm', () => {
    const native = nativeMemory();
    if (!native) throw new Error('no native memory calls');
    const kept = Array.from({ length: 2000 }, (_, i) => Buffer.alloc(1000, i));
    native.trimMalloc();
    expect(kept.every((buffer, i) => buffer[999] === i % 256)).toBe(true);
  });
});
