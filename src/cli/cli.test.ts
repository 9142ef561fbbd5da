import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connect.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../testing/test-db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'src/cli/area.ts');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...extra,
  };
  return env;
}

function run(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: baseEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `area start` and resolves with its URL once it says it is running. */
function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'start'], { cwd: ROOT, env: baseEnv({ PORT: '0', ...env }) });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`area start did not come up:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d;
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`area start exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe(`area CLI (${TEST_DB_KIND})`, { timeout: 180_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  let pgDatabase: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-cli-'));
    env = { DATA_DIR: dataDir };
    if (TEST_DB_KIND === 'postgres') {
      pgDatabase = await createTestDatabase({ migrate: false });
      env['DATABASE_URL'] = pgDatabase.url!;
    }
  });
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints help', async () => {
    const res = await run(['--help'], env);
    expect(res.code).toBe(0);
    for (const command of ['start', 'migrate', 'seed', 'user']) expect(res.stdout).toContain(command);
  });

  it('stops on a bad setting with one line naming it', async () => {
    const res = await run(['start'], { ...env, PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('PORT must be an integer');
  });

  it('migrates up, reports status, goes down and up again', async () => {
    const before = await run(['migrate', 'status'], env);
    expect(before.code).toBe(0);
    // A new embedded data directory starts from the migrated install-time template; PostgreSQL starts empty.
    expect(before.stdout).toMatch(
      TEST_DB_KIND === 'postgres' ? /pending\s+0001_base_functions/ : /applied\s+0001_base_functions/,
    );
    const up = await run(['migrate', 'up'], env);
    expect(up.code).toBe(0);
    const status = await run(['migrate', 'status'], env);
    const lines = status.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('applied')).length).toBeGreaterThanOrEqual(8);
    expect(status.stdout).toMatch(/, 0 pending/);
    const down = await run(['migrate', 'down'], env);
    expect(down.code).toBe(0);
    const reverted = /reverted (\S+)/.exec(down.stdout)?.[1];
    expect(reverted).toBeDefined();
    expect((await run(['migrate', 'status'], env)).stdout).toMatch(/, 1 pending/);
    const again = await run(['migrate', 'up'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`applied  ${reverted}`);
  });

  it('seeds the demo data once, however often it runs', async () => {
    const first = await run(['seed'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('admin@example.com');
    const second = await run(['seed'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already present');
    const database = await openDatabase({ databaseUrl: env['DATABASE_URL'], dataDir });
    try {
      const users = await database.db
        .selectFrom('users')
        .select(['id'])
        .where('email', '=', 'admin@example.com')
        .execute();
      expect(users).toHaveLength(1);
      const roles = await database.db
        .selectFrom('user_roles')
        .innerJoin('roles', 'roles.id', 'user_roles.role_id')
        .select('roles.name')
        .where('user_roles.user_id', '=', users[0]!.id)
        .execute();
      expect(roles.map((r) => r.name).sort()).toEqual(['admin', 'member']);
      const workflows = await database.db
        .selectFrom('workflows')
        .select('id')
        .where('user_id', '=', users[0]!.id)
        .execute();
      expect(workflows).toHaveLength(1);
      const connections = await database.db
        .selectFrom('connections')
        .select(['encrypted_credentials'])
        .execute();
      expect(connections).toHaveLength(1);
      expect(connections[0]!.encrypted_credentials).not.toContain('demo-token');
    } finally {
      await database.close();
    }
  });

  it('creates users, refusing a weak password with the rule', async () => {
    const ok = await run(
      ['user', 'create', '--email', 'Ops@Example.com', '--password', 'a-long-enough-one', '--admin'],
      env,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ops@example.com');
    const weak = await run(['user', 'create', '--email', 'weak@example.com', '--password', 'short'], env);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: must be at least 10 characters');
    const dup = await run(
      ['user', 'create', '--email', 'ops@example.com', '--password', 'a-long-enough-one'],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('email: is already registered');
  });

  it('starts, serves health, stops on SIGTERM, and starts again on the same data', async () => {
    const first = await start(env);
    const health = await fetch(`${first.url}/api/v1/health`);
    expect(health.status).toBe(200);
    // The demo user `area seed` made (in an earlier test) signs in through the API.
    const login = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'password123' }),
    });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { accessToken: string; user: { isAdmin?: boolean } };
    const me = await fetch(`${first.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(await me.json()).toMatchObject({ email: 'admin@example.com', isAdmin: true });
    expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: TEST_DB_KIND } });
    if (TEST_DB_KIND === 'pglite') {
      const second = await run(['migrate', 'status'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by process \d+/);
    }
    expect(await stop(first.child)).toBe(0);

    const again = await start(env);
    try {
      const res = await fetch(`${again.url}/api/v1/health`);
      expect(res.status).toBe(200);
    } finally {
      expect(await stop(again.child)).toBe(0);
    }
    const database = await openDatabase({ databaseUrl: env['DATABASE_URL'], dataDir });
    try {
      const demo = await database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'admin@example.com')
        .execute();
      expect(demo).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
