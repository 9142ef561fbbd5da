import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROCESS_DATABASE, useProcessDatabase } from '../testing/process-database.ts';
import { startAreaProcess } from './process-harness.ts';

describe(`the process harness (${PROCESS_DATABASE})`, () => {
  const database = useProcessDatabase();

  const start = async () => {
    const area = database.track(await startAreaProcess('api,worker,scheduler', database.env()));
    expect(existsSync(area.dataDir)).toBe(true);
    return area;
  };

  it('removes the data directory it made once the process stopped or was killed', async () => {
    const stopped = await start();
    await stopped.stop();
    expect(existsSync(stopped.dataDir)).toBe(false);

    const killed = await start();
    const exited = new Promise((resolve) => killed.child.once('exit', resolve));
    killed.kill();
    await exited;
    expect(existsSync(killed.dataDir)).toBe(false);
  }, 120_000);
});
