import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

describe('data directory lock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function tempDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'area-lock-'));
    dirs.push(dir);
    return dir;
  }

  it('refuses a directory a live process holds, with a message that says why', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(dir, 'area.lock'), JSON.stringify({ pid: holder.pid, host: os.hostname() }));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(/in use by process \d+.*corrupt/);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that died', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'area.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
    const release = lockDataDir(dir);
    release();
  });

  it('can be taken again once released', () => {
    const dir = tempDir();
    lockDataDir(dir)();
    const release = lockDataDir(dir);
    release();
  });
});
