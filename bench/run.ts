/**
 * The engine benchmark: `npm run bench`. Runs Area in a process of its own (all roles), the load
 * in another (autocannon), and a local HTTP sink here; prints one line per scenario and database.
 * PostgreSQL is used when DATABASE_URL is set (a schema of its own, dropped afterwards).
 * BENCH_SECONDS shortens the load phases (default 20); BENCH_ONLY=pglite|postgres picks one database;
 * BENCH_PARTS=load|schedules runs only the load scenarios (1, 2, 3, 5) or only the schedules (4), and
 * BENCH_PARTS=s1 only scenario 1 (with the start and memory of 5); BENCH_CONCURRENCY sets scenario 1's
 * concurrencies (default 10,50); BENCH_COLD_STARTS sets how many starts scenario 5's cold start is the
 * median of (default 5); BENCH_IDLE_SECONDS how long Area idles before its memory is read (default 30);
 * BENCH_NODE_OPTIONS are given to Node in the Area processes, e.g.
 * `BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/profiles"` for a CPU profile of each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createUser } from '../src/accounts/users.ts';
import { type Database, openDatabase } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrator.ts';
import { definition, insertPublishedWorkflow } from '../src/engine/engine-fixtures.ts';
import { createOwnSchemaDatabase } from '../src/engine/own-schema.ts';
import { type AreaProcess, startAreaProcess } from '../src/engine/process-harness.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
// Scenario 1's warm-up at each concurrency: the JIT compiler is still optimizing the hot paths after
// 3 s of load (see docs/decisions.md, "The benchmark's warm-up").
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 10);
if (!Number.isInteger(WARMUP_SECONDS) || WARMUP_SECONDS < 1)
  throw new Error(
    `BENCH_WARMUP_SECONDS must be a whole number of at least 1, not "${process.env['BENCH_WARMUP_SECONDS']}"`,
  );
// Which parts run: the load scenarios (1, 2, 3, 5) or scenario 1 alone, and/or the schedules (4).
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'load,schedules').split(','));
const LOAD = PARTS.has('load') || PARTS.has('s1');
for (const part of PARTS)
  if (!['load', 's1', 'schedules'].includes(part))
    throw new Error(`BENCH_PARTS takes load, s1 and schedules, separated by commas, not "${part}"`);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '10,50').split(',').map(Number);
if (CONCURRENCY.some((c) => !Number.isInteger(c) || c < 1))
  throw new Error(
    `BENCH_CONCURRENCY must be whole numbers of at least 1, separated by commas, not "${process.env['BENCH_CONCURRENCY']}"`,
  );
const NODE_OPTIONS = (process.env['BENCH_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean);
const AUTOCANNON = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));
const SCHEDULES = 10_000;
const COLD_STARTS = Number(process.env['BENCH_COLD_STARTS'] ?? 5);
if (!Number.isInteger(COLD_STARTS) || COLD_STARTS < 1)
  throw new Error(
    `BENCH_COLD_STARTS must be a whole number of at least 1, not "${process.env['BENCH_COLD_STARTS']}"`,
  );

// The sink: counts what the runs POST to it, per scenario.
const sinkCounts = new Map<string, number>();
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const key = req.url ?? '/';
    sinkCounts.set(key, (sinkCounts.get(key) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkBase = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const lines: string[] = [];
function report(line: string): void {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}

function rssOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * The fields of a /proc/<pid>/stat line after the command's name: [11] and [12] are the process's
 * user and system CPU in ticks of 10 ms, [13] and [14] those of its children that exited.
 */
function statFields(stat: string): string[] {
  return stat.split(') ')[1]?.split(' ') ?? [];
}

function cpuSecondsOf(pid: number): number {
  const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/**
 * Seconds the process's main thread has waited, runnable, for a CPU (the second field of its
 * schedstat), or undefined where the kernel does not keep it. On a machine that runs the load, the
 * server and Area on two cores this is time every request in flight waits too.
 */
function mainThreadWaitSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ');
    const waited = Number(fields[1]);
    return Number.isFinite(waited) ? waited / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of the PostgreSQL server's processes on this machine (its backends, and those that
 * exited, through their parent's count), or undefined when none is visible here.
 */
function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let seen = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!stat.includes('(postgres)')) continue;
    const fields = statFields(stat);
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    seen = true;
  }
  return seen ? ticks / 100 : undefined;
}

interface Cannon {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

function autocannon(url: string, connections: number, seconds: number, body: string): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      AUTOCANNON,
      [
        '-c',
        String(connections),
        '-d',
        String(seconds),
        '-m',
        'POST',
        '-H',
        'content-type=application/json',
        '-b',
        body,
        '--json',
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as {
          requests: { average: number };
          latency: { p50: number; p99: number };
          errors: number;
          timeouts: number;
          non2xx: number;
          '2xx': number;
          duration: number;
        };
        resolve({
          rps: Math.round(r['2xx'] / r.duration),
          p50: r.latency.p50,
          p99: r.latency.p99,
          ok: r['2xx'],
          errors: r.errors + r.timeouts + r.non2xx,
        });
      } catch (error) {
        reject(new Error(`autocannon output not readable: ${out.slice(0, 300)} ${String(error)}`));
      }
    });
  });
}

const webhook = (respondWith: 'accepted' | 'workflow_output', sinkPath: string) =>
  definition({ key: 'hook', service: 'webhook', component: 'catch_hook', config: { respondWith } }, [
    {
      key: 'build',
      service: 'transform',
      component: 'build',
      config: { fields: { text: '{{ trigger.body.user }} paid {{ trigger.body.amount }}' } },
    },
    {
      key: 'post',
      service: 'http',
      component: 'request',
      config: { method: 'POST', url: `${sinkBase}${sinkPath}`, body: '{{ steps.build.data }}' },
    },
  ]);

interface Seeded {
  userId: string;
  done: { id: string; token: string };
  atOnce: { id: string; token: string };
  latency: { id: string; token: string };
}

async function seed(db: Database['db'], tag: string): Promise<Seeded> {
  const user = await createUser(db, { email: `bench-${tag}-${Date.now()}@example.com`, name: 'Bench' });
  await db.updateTable('users').set({ credits_limit: 100_000_000 }).where('id', '=', user.id).execute();
  const make = async (respondWith: 'accepted' | 'workflow_output', sinkPath: string) => {
    const wf = await insertPublishedWorkflow(db, user.id, webhook(respondWith, sinkPath));
    return { id: wf.id, token: wf.webhookToken };
  };
  return {
    userId: user.id,
    done: await make('workflow_output', `/s1-${tag}`),
    atOnce: await make('accepted', `/s2-${tag}`),
    latency: await make('accepted', `/s3-${tag}`),
  };
}

async function seedSchedules(db: Database['db'], userId: string, sinkPath: string): Promise<void> {
  const def = definition(
    { key: 'tick', service: 'schedule', component: 'cron', config: { expression: '* * * * *' } },
    [{ key: 'noop', service: 'probe', component: 'flaky', config: { value: 1 } }],
  );
  void sinkPath;
  await sql`
    WITH w AS (
      INSERT INTO workflows (user_id, name, status, version, active_version)
      SELECT ${userId}, 'every minute ' || g, 'active', 1, 1 FROM generate_series(1, ${SCHEDULES}::int) g
      RETURNING id)
    INSERT INTO workflow_versions (workflow_id, version, name, definition, created_by)
    SELECT id, 1, 'every minute', ${JSON.stringify(def)}::jsonb, ${userId} FROM w`.execute(db);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** The sink's count for `key` once it stopped moving (no new POST for half a second). */
async function sinkSettled(key: string): Promise<number> {
  let last = -1;
  for (;;) {
    const now = sinkCounts.get(key) ?? 0;
    if (now === last) return now;
    last = now;
    await sleep(500);
  }
}

async function waitForSink(key: string, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((sinkCounts.get(key) ?? 0) < count) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Starts Area COLD_STARTS times on the same data (each a new process, the earlier ones stopped) and
 * returns the last one, left running for the load scenarios. One start on a shared machine varies by a
 * few hundred milliseconds, so the median is reported with the range.
 */
async function coldStarts(env: Record<string, string>): Promise<{ area: AreaProcess; summary: string }> {
  const ready: number[] = [];
  const wall: number[] = [];
  const start = async () => {
    const spawned = Date.now();
    const area = await startAreaProcess('api,worker,scheduler', env, NODE_OPTIONS);
    wall.push(Date.now() - spawned);
    ready.push(area.readyMs);
    return area;
  };
  for (let i = 1; i < COLD_STARTS; i++) await (await start()).stop();
  const area = await start();
  const range =
    COLD_STARTS > 1 ? `, ${Math.min(...ready)}-${Math.max(...ready)} ms over ${COLD_STARTS} starts` : '';
  return {
    area,
    summary: `${percentile(ready, 50)} ms to ready (median${range}; ${percentile(wall, 50)} ms from spawn; code from ${area.loadedFrom === 'bundle' ? 'the start-up bundle' : 'src'})`,
  };
}

/** Scenarios 5, 1, 2, 3 against one running Area. */
async function loadScenarios(kind: string, area: AreaProcess, coldStart: string, s: Seeded): Promise<void> {
  const pid = area.child.pid as number;
  const idleSeconds = Number(process.env['BENCH_IDLE_SECONDS'] ?? 30);
  await sleep(idleSeconds * 1000);
  const idleRss = rssOf(pid, 'VmRSS');

  // 1. respond when done, concurrency 10 then 50, each after a warm-up.
  const body = JSON.stringify({ user: 'u1', amount: 42 });
  const doneUrl = `${area.url}/hooks/${s.done.token}`;
  const s1Key = `/s1-${kind}`;
  for (const c of CONCURRENCY) {
    await autocannon(doneUrl, c, WARMUP_SECONDS, body);
    // Runs whose requests the warm-up cut off at its end still reach the sink: counted before, not in.
    const before = await sinkSettled(s1Key);
    const cpuBefore = cpuSecondsOf(pid);
    const waitBefore = mainThreadWaitSecondsOf(pid);
    const serverBefore = kind === 'postgres' ? postgresCpuSeconds() : undefined;
    const r = await autocannon(doneUrl, c, SECONDS, body);
    // CPU per request varies less than the rate on a machine shared with other work.
    const cpuPerRun = ((cpuSecondsOf(pid) - cpuBefore) * 1000) / Math.max(1, r.ok);
    const waitAfter = waitBefore === undefined ? undefined : mainThreadWaitSecondsOf(pid);
    const waited =
      waitBefore === undefined || waitAfter === undefined
        ? ''
        : `, its main thread's wait for a CPU ${(((waitAfter - waitBefore) * 1000) / Math.max(1, r.ok)).toFixed(2)} ms per request`;
    const serverAfter = serverBefore === undefined ? undefined : postgresCpuSeconds();
    const server =
      serverBefore === undefined || serverAfter === undefined
        ? ''
        : `, PostgreSQL's CPU ${(((serverAfter - serverBefore) * 1000) / Math.max(1, r.ok)).toFixed(2)} ms per request`;
    const sunk = (await sinkSettled(s1Key)) - before;
    report(
      // Runs still in flight when the load stopped reach the sink without an answer counted.
      `${kind} s1 webhook->transform->POST, respond when done, c=${c}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, sink ${sunk} for ${r.ok} ok + ${c} in flight${sunk >= r.ok && sunk <= r.ok + c ? '' : ' (MISMATCH)'}, Area's CPU ${cpuPerRun.toFixed(2)} ms per request${waited}${server}`,
    );
  }
  const peakRss = rssOf(pid, 'VmHWM');
  const s5 = `${kind} s5 cold start ${coldStart}, idle RSS ${idleRss} MB after ${idleSeconds} s, peak RSS ${peakRss} MB in s1`;
  if (!PARTS.has('load')) return report(s5);

  // 2. respond at once: accepted rate, then the time until every accepted run has posted to the sink.
  const s2Key = `/s2-${kind}`;
  const started = Date.now();
  const r2 = await autocannon(`${area.url}/hooks/${s.atOnce.token}`, 50, Math.min(SECONDS, 10), body);
  const drained = await waitForSink(s2Key, r2.ok, 300_000);
  const allDone = ((Date.now() - started) / 1000).toFixed(1);
  report(
    `${kind} s2 respond at once, c=50: ${r2.rps} accepted/s (${r2.ok} runs, errors ${r2.errors}), all done ${drained ? 'after' : 'NOT done after'} ${allDone} s (load ${Math.min(SECONDS, 10)} s)`,
  );

  // 3. low load: one event every 20 ms; latency from receipt to the first step's start (read afterwards).
  const s3Key = `/s3-${kind}`;
  for (let i = 0; i < 200; i++) {
    await fetch(`${area.url}/hooks/${s.latency.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await sleep(20);
  }
  await waitForSink(s3Key, 200, 30_000);
  // Ready counts from the process's own start (Node's boot and loading the code included).
  report(s5);
}

async function latencyReport(kind: string, db: Database['db'], workflowId: string): Promise<void> {
  const rows = await sql<{ ms: number }>`
    SELECT extract(epoch FROM (s.started_at - (e.trigger_data ->> 'receivedAt')::timestamptz)) * 1000 AS ms
    FROM executions e JOIN execution_steps s ON s.execution_id = e.id AND s.node_key = 'build'
    WHERE e.workflow_id = ${workflowId}`.execute(db);
  const values = rows.rows.map((r) => Number(r.ms));
  report(
    `${kind} s3 event -> first step start at low load (${values.length} runs): p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms`,
  );
}

async function recordCheck(kind: string, db: Database['db'], s: Seeded): Promise<void> {
  const rows = await sql<{ status: string; runs: number; steps: number }>`
    SELECT e.status, count(DISTINCT e.id)::int AS runs, count(s.id)::int AS steps
    FROM executions e LEFT JOIN execution_steps s ON s.execution_id = e.id
    WHERE e.workflow_id IN (${s.done.id}, ${s.atOnce.id}, ${s.latency.id}) GROUP BY e.status`.execute(db);
  report(
    `${kind} record check: ${rows.rows.map((r) => `${r.runs} runs ${r.status} with ${r.steps} steps`).join(', ')}`,
  );
}

/** Scenario 4 against an Area whose database holds 10,000 every-minute schedules. */
async function scheduleScenario(kind: string, area: AreaProcess, db: () => Promise<Database>): Promise<void> {
  const pid = area.child.pid as number;
  let slot = Math.ceil(Date.now() / 60_000) * 60_000;
  if (slot - Date.now() < 8_000) slot += 60_000;
  await sleep(slot - Date.now() - 2_000);
  const cpuBefore = cpuSecondsOf(pid);
  await sleep(30_000);
  const cpu = cpuSecondsOf(pid) - cpuBefore;
  await area.stop();
  const database = await db();
  try {
    const key = `schedule:${new Date(slot).toISOString()}`;
    const rows = await sql<{ fired: number; started: number | null }>`
      SELECT extract(epoch FROM created_at) * 1000 - ${slot}::bigint AS fired,
             extract(epoch FROM started_at) * 1000 - ${slot}::bigint AS started
      FROM executions WHERE idempotency_key = ${key}`.execute(database.db);
    const fired = rows.rows.map((r) => Number(r.fired));
    const started = rows.rows.filter((r) => r.started !== null).map((r) => Number(r.started));
    report(
      `${kind} s4 ${SCHEDULES} every-minute schedules: ${fired.length} fired, p99 lag slot->fired ${percentile(fired, 99).toFixed(0)} ms, slot->run start p50 ${percentile(started, 50).toFixed(0)} ms p99 ${percentile(started, 99).toFixed(0)} ms (${started.length} started), CPU ${cpu.toFixed(1)} s in the 30 s around the slot`,
    );
  } finally {
    await database.close();
  }
}

async function benchPglite(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'area-bench-'));
  const env = { DATA_DIR: dataDir, DATABASE_URL: '', WORKER_CONCURRENCY: '50' };
  try {
    let database = await openDatabase({ dataDir });
    await migrateUp(database.db);
    const seeded = await seed(database.db, 'pglite');
    await database.close();

    if (LOAD) {
      const { area, summary } = await coldStarts(env);
      await loadScenarios('pglite', area, summary, seeded);
      await area.stop();
      database = await openDatabase({ dataDir });
      if (PARTS.has('load')) await latencyReport('pglite', database.db, seeded.latency.id);
      await recordCheck('pglite', database.db, seeded);
      await database.close();
    }
    if (PARTS.has('schedules')) {
      database = await openDatabase({ dataDir });
      await seedSchedules(database.db, seeded.userId, '/s4');
      await database.close();
      const area = await startAreaProcess('api,worker,scheduler', env, NODE_OPTIONS);
      await scheduleScenario('pglite', area, () => openDatabase({ dataDir }));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchPostgres(url: string): Promise<void> {
  const db = await createOwnSchemaDatabase(url, 'area_bench_');
  const env = { ...db.env, WORKER_CONCURRENCY: '50', DATABASE_POOL_SIZE: '20' };
  try {
    const seeded = await seed(db.db, 'postgres');
    if (LOAD) {
      const { area, summary } = await coldStarts(env);
      await loadScenarios('postgres', area, summary, seeded);
      await area.stop();
      if (PARTS.has('load')) await latencyReport('postgres', db.db, seeded.latency.id);
      await recordCheck('postgres', db.db, seeded);
    }
    if (PARTS.has('schedules')) {
      await seedSchedules(db.db, seeded.userId, '/s4');
      const area = await startAreaProcess('api,worker,scheduler', env, NODE_OPTIONS);
      await scheduleScenario('postgres', area, async () => openDatabase({ databaseUrl: db.url }));
    }
  } finally {
    await db.close();
  }
}

const only = process.env['BENCH_ONLY'];
if (only !== 'postgres') await benchPglite();
const pgUrl = process.env['DATABASE_URL'];
if (only !== 'pglite') {
  if (pgUrl) await benchPostgres(pgUrl);
  else report('postgres: skipped (set DATABASE_URL to benchmark PostgreSQL)');
}
sink.close();
process.stdout.write(`\n${lines.join('\n')}\n`);
