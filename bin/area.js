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
  // The CLI runs itself when argv[1] names it.
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
  const result = spawnSync(bundled, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
