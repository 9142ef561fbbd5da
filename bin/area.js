#!/usr/bin/env node
// Area runs its TypeScript directly on Node 24 or later. When started by an older Node,
// re-run the same command with the Node 24 the project installs as a dependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/area.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  // Compiled modules are cached between runs: start-up then skips most of the parsing.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/area/compile', import.meta.url)));
  // glibc reads its malloc settings when a process starts: start once more with Area's
  // (src/system/malloc-settings.ts says why), before anything else is loaded.
  const { glibcTunables } = await import('../src/system/malloc-settings.ts');
  const tunables = glibcTunables(process.env.GLIBC_TUNABLES);
  if (
    process.platform === 'linux' &&
    typeof process.execve === 'function' &&
    tunables !== process.env.GLIBC_TUNABLES
  ) {
    try {
      process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
        ...process.env,
        GLIBC_TUNABLES: tunables,
      });
    } catch {
      // Not allowed here: run without the setting.
    }
  }
  process.argv[1] = cli;
  await import(cli);
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(
      `area: needs Node 24 or later (this is ${process.version}); run npm install first\n`,
    );
    process.exit(1);
  }
  // This script again, on that Node: it sets up the process the same way.
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(bundled, [self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
