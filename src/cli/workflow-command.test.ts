import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'src/cli/area.ts');

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each command is its own process that opens the database: seconds each on the embedded one.
describe(`area workflow import|export (${TEST_DB_KIND})`, () => {
  let dir: string;
  let env: Record<string, string>;
  let pgDatabase: TestDatabase | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'area-wf-cli-'));
    env = { DATA_DIR: dir };
    if (TEST_DB_KIND === 'postgres') {
      pgDatabase = await createTestDatabase({ migrate: false });
      env['DATABASE_URL'] = pgDatabase.url as string;
    }
    const created = await run(
      ['user', 'create', '--email', 'ops@example.com', '--password', 'correct-horse-battery'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a document as a draft and exports the same graph back', async () => {
    const definition = {
      name: 'From a file',
      tags: ['cli'],
      trigger: { key: 'start', service: 'manual', component: 'run', config: {} },
      nodes: [
        {
          key: 'call',
          type: 'action',
          service: 'http',
          component: 'request',
          config: { method: 'GET', url: 'https://example.com' },
        },
        {
          key: 'mail',
          type: 'action',
          service: 'email',
          component: 'send',
          config: { to: 'a@example.com', subject: 'hi', text: 'x' },
        },
      ],
      edges: [
        { from: 'start', to: 'call' },
        { from: 'call', to: 'mail' },
      ],
    };
    writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ definition }));
    const imported = await run(
      ['workflow', 'import', path.join(dir, 'in.json'), '--user', 'ops@example.com'],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported "From a file" as draft');
    expect(imported.stdout).toContain('nodes[1].connection');
    const id = /draft ([0-9a-f-]{36})/.exec(imported.stdout)?.[1] as string;

    const out = path.join(dir, 'out.json');
    const exported = await run(['workflow', 'export', id, out], env);
    expect(exported.code, exported.stderr).toBe(0);
    const document = JSON.parse(readFileSync(out, 'utf8'));
    expect(document.format).toBe('area.workflow');
    expect(document.definition).toEqual(definition);
    expect(document.requiredConnections).toEqual([]);
  }, 180_000);

  it('lists every problem of an invalid document and exits 1', async () => {
    writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ definition: { name: 'Bad', nodes: [{ config: {} }] } }),
    );
    const res = await run(
      ['workflow', 'import', path.join(dir, 'bad.json'), '--user', 'ops@example.com'],
      env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('definition.nodes.0');
    const unknown = await run(['workflow', 'export', '01a20000-0000-7000-8000-000000000000', '-'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Workflow not found');
  }, 120_000);
});
