import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { glibcTunables } from '../system/malloc-settings.ts';

const ENTRY = fileURLToPath(new URL('./engine-process.ts', import.meta.url));
const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
/** Node's cache of compiled modules, shared with `npm start` and `bin/area.js`. */
const COMPILE_CACHE = fileURLToPath(new URL('../../node_modules/.cache/area/compile', import.meta.url));

export interface AreaProcess {
  child: ChildProcess;
  /** The HTTP address (api role). */
  url: string | undefined;
  /** Milliseconds from the process's start to ready, as the process measured them. */
  readyMs: number;
  /** Where its code came from: the start-up bundle or src (see system/app-bundle.ts). */
  loadedFrom: 'bundle' | 'src';
  /** The temporary data directory made for it (unless `env` names another); removed once it exited. */
  dataDir: string;
  stop(): Promise<void>;
  kill(): void;
}

/**
 * Starts `engine-process.ts` with the given roles and settings and waits for its READY line.
 * `nodeOptions` go to Node before the entry (e.g. `--cpu-prof`).
 */
export async function startAreaProcess(
  roles: string,
  env: Record<string, string>,
  nodeOptions: readonly string[] = [],
): Promise<AreaProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-proc-'));
  const child = spawn(NODE, [...nodeOptions, ENTRY, roles], {
    env: {
      NODE_COMPILE_CACHE: COMPILE_CACHE,
      ...process.env,
      GLIBC_TUNABLES: glibcTunables(process.env['GLIBC_TUNABLES']),
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      AREA_ENCRYPTION_KEY: 'b'.repeat(64),
      AREA_JWT_SECRET: 'process-secret-process-secret-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // However it ends (stopped, killed, crashed before ready), nothing of it is left in the temp folder.
  child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const ready = await new Promise<{ url: string | undefined; ms: number; from: 'bundle' | 'src' }>(
    (resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const match = /READY (\S+) (\d+) (bundle|src)\n/.exec(out);
        if (match) {
          child.stdout?.off('data', onData);
          resolve({
            url: match[1] === '-' ? undefined : match[1],
            ms: Number(match[2]),
            from: match[3] as 'bundle' | 'src',
          });
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`area process (${roles}) exited with ${code}: ${errors}`)),
      );
    },
  );
  child.stdout?.resume();
  return {
    child,
    url: ready.url,
    readyMs: ready.ms,
    loadedFrom: ready.from,
    dataDir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
