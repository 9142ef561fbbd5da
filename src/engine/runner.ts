import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import {
  type DefinitionEdge,
  type DefinitionNode,
  nodeTypeOf,
  type WorkflowDefinition,
} from '../workflows/definition.ts';
import { analyzeGraph } from '../workflows/graph.ts';
import type { EngineBus } from './bus.ts';
import { GroupCommit } from './group-commit.ts';
import { PropsError } from './props-check.ts';
import type { RunJob, RunQueue } from './queue.ts';
import { hasTemplates, renderConfig, TemplateError } from './render.ts';
import { retryDelayMs, sleep } from './retry.ts';
import { insertLogs, type RunEnd, type RunWriter, type StepRow, writeSteps } from './run-writer.ts';
import type { RunLogLine, StepExecutor } from './step-executor.ts';

/** What a worker does with one job: run (or resume) the execution it names. */
export type RunOutcome = 'finished' | 'waiting' | 'requeued' | 'gone';

interface Plan {
  definition: WorkflowDefinition;
  order: string[];
  nodes: Map<string, DefinitionNode>;
  incoming: Map<string, DefinitionEdge[]>;
  usesSecrets: boolean;
}

interface StepRecord {
  node_key: string;
  status: string;
  output: unknown;
  error: string | null;
  attempt_count: number;
}

interface NodeState {
  status: 'success' | 'failed';
  output: unknown;
  branch?: boolean;
}

/** An execution this process holds: claimed by a worker, or written as running by its intake. */
export interface ClaimRow {
  id: string;
  workflow_id: string;
  user_id: string;
  version_id: string | null;
  trigger_data: unknown;
  mode: string;
  previous_status: string;
}

/** How a run that started in this process ended, for a caller waiting for it (a webhook). */
export interface RunEnding {
  id: string;
  status: string;
  output: unknown;
  errorMessage: string | null;
  errorNodeKey: string | null;
  /** false when the run waits (a delay): it goes on later, maybe elsewhere. */
  finished: boolean;
  /** Outputs of the steps that ran, by node key. */
  steps: Record<string, unknown>;
}

export interface RunnerOptions {
  db: Kysely<DB>;
  queue: RunQueue;
  bus: EngineBus;
  steps: StepExecutor;
  writer: RunWriter;
  log: Logger;
  /** Seconds a process holds a running execution before another may take it; renewed while it runs. */
  leaseSeconds: number;
  /** Runs started in this process after their intake that run at once; the others wait in memory. */
  inlineConcurrency: number;
  /**
   * Sweep for runs whose lease lapsed, to resume them: on a database other processes share. On the
   * embedded one this process holds every running run, and its next start resumes them at once.
   */
  sweepLapsedLeases: boolean;
}

const PLAN_CACHE_LIMIT = 20_000;
/** Runs one lease sweep resumes at most (the next sweep takes the rest). */
const LAPSED_BATCH = 500;
const WAKE_WITHIN_MS = 10 * 60_000;
/**
 * Steps of a run are written with its end, in one statement with other runs' ends. A run still going
 * after this long writes what it has done before each next step, so a crash repeats little of it.
 */
const WRITE_BEHIND_MS = 250;

export class Runner {
  readonly #o: RunnerOptions;
  // Published versions never change, so a plan is computed once per version.
  readonly #plans = new Map<string, Plan>();
  readonly #running = new Map<string, AbortController>();
  #inlineActive = 0;
  readonly #inlineQueue: (() => void)[] = [];
  #allStarted: (() => void)[] = [];
  #renewTimer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  readonly #versions = new GroupCommit<string, { definition: unknown } | undefined>(async (ids) => {
    const rows = await this.#o.db
      .selectFrom('workflow_versions')
      .select(['id', 'definition'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  }, 1000);

  constructor(options: RunnerOptions) {
    this.#o = options;
    options.bus.onCancel((executionId) => this.#running.get(executionId)?.abort(new Error('cancelled')));
  }

  /**
   * Renews the leases of the runs this process holds, so no other worker takes them meanwhile, and
   * (`sweepLapsedLeases`) sweeps for runs whose lease lapsed (their process died) to resume them: a
   * sixth of the lease after it lapsed at most, and within 10 s.
   */
  startLeaseKeeping(): void {
    if (this.#renewTimer) return;
    const lease = this.#o.leaseSeconds * 1000;
    this.#renewTimer = setInterval(() => void this.#renewLeases(), Math.max(1000, lease / 3));
    this.#renewTimer.unref();
    if (!this.#o.sweepLapsedLeases) return;
    this.#sweepTimer = setInterval(
      () =>
        void this.resumeLapsed().catch((error: unknown) =>
          this.#o.log.warn({ err: error }, 'lease sweep failed'),
        ),
      Math.min(10_000, Math.max(1000, lease / 6)),
    );
    this.#sweepTimer.unref();
  }

  /**
   * Gives the runs whose lease lapsed (the process that ran them died or stalled) a job, which a
   * worker takes to resume them. Rows being written are skipped, as are runs this process holds.
   * Runs started where they were taken in have no job of their own: this is what resumes them.
   */
  async resumeLapsed(): Promise<number> {
    // Mostly there are none: one read of the running runs, no transaction.
    const lapsed = await sql<{ id: string }>`
      SELECT id FROM executions WHERE status = 'running' AND lease_until < now()
      ORDER BY id LIMIT ${LAPSED_BATCH}`.execute(this.#o.db);
    const candidates = lapsed.rows.map((r) => r.id).filter((id) => !this.#running.has(id));
    if (candidates.length === 0) return 0;
    return this.#resume('resuming runs whose lease lapsed', async (trx) => {
      const rows = await sql<{ id: string }>`
        UPDATE executions SET lease_until = NULL WHERE id IN (
          SELECT id FROM executions WHERE id = ANY(${candidates}::uuid[])
            AND status = 'running' AND lease_until < now()
          ORDER BY id FOR UPDATE SKIP LOCKED)
        RETURNING id`.execute(trx);
      return rows.rows.map((r) => r.id);
    });
  }

  /**
   * Resumes the runs a process that died was running, without waiting for their leases: only for
   * a database no other process can use (the embedded one), where whoever held them is gone.
   */
  async resumeOrphans(): Promise<number> {
    return this.#resume('resuming runs left running by the previous process', async (trx) => {
      const rows = await trx
        .updateTable('executions')
        .set({ lease_until: null })
        .where('status', '=', 'running')
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    });
  }

  /**
   * In one transaction, `clear` frees the leases of running runs and answers their ids, and each
   * gets a job that a worker takes to resume it; then this process's workers are woken.
   */
  async #resume(message: string, clear: (trx: Transaction<DB>) => Promise<string[]>): Promise<number> {
    const ids = await this.#o.db.transaction().execute(async (trx) => {
      const cleared = await clear(trx);
      await this.#o.queue.enqueueRuns(
        trx,
        cleared.map((executionId) => ({ executionId })),
      );
      return cleared;
    });
    if (ids.length > 0) {
      this.#o.log.info({ count: ids.length }, message);
      this.#o.queue.wake();
    }
    return ids.length;
  }

  /** Waits (at most `ms`) for the runs this process holds to end: a graceful stop finishes them. */
  async drain(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.#running.size > 0 && Date.now() < deadline) await sleep(20);
  }

  stopLeaseKeeping(): void {
    clearInterval(this.#renewTimer);
    clearInterval(this.#sweepTimer);
    this.#renewTimer = undefined;
    this.#sweepTimer = undefined;
  }

  async #renewLeases(): Promise<void> {
    const ids = [...this.#running.keys()];
    if (ids.length === 0) return;
    try {
      await sql`
        UPDATE executions SET lease_until = now() + make_interval(secs => ${this.#o.leaseSeconds})
        WHERE id IN (
          -- In id order, skipping rows being written right now (their runs are ending): no deadlock
          -- with the writes of run endings.
          SELECT id FROM executions WHERE id = ANY(${ids}::uuid[]) AND status = 'running'
          ORDER BY id FOR UPDATE SKIP LOCKED)`.execute(this.#o.db);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'run leases not renewed');
    }
  }

  /** The owner's secrets by name, when this process can open them. */
  async loadSecrets(userId: string): Promise<Record<string, string> | undefined> {
    return this.#o.steps.loadSecrets?.(userId);
  }

  get inFlight(): number {
    return this.#running.size;
  }

  /** Settles once every run launched here so far has started (none waits for a turn). */
  allStarted(): Promise<void> {
    if (this.#inlineQueue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#allStarted.push(resolve));
  }

  /**
   * Reads the plans of versions about to run (a schedule slot's), so that their runs start without
   * reading them then. Grouped like the reads of runs launched together.
   */
  preparePlans(versionIds: readonly string[]): Promise<void> {
    const missing = versionIds.filter((id) => !this.#plans.has(id));
    return Promise.allSettled(missing.map((id) => this.#plan(id))).then(() => {});
  }

  async #plan(versionId: string): Promise<Plan | undefined> {
    const cached = this.#plans.get(versionId);
    if (cached) return cached;
    // Runs that start together (a schedule slot, a burst of webhooks) read their versions in one query.
    const row = await this.#versions.submit(versionId);
    if (!row) return undefined;
    const definition = row.definition as unknown as WorkflowDefinition;
    const analysis = analyzeGraph(definition);
    const incoming = new Map<string, DefinitionEdge[]>();
    for (const edge of definition.edges) {
      const list = incoming.get(edge.to) ?? [];
      list.push(edge);
      incoming.set(edge.to, list);
    }
    const plan: Plan = {
      definition,
      order: analysis.order,
      nodes: new Map(definition.nodes.map((n) => [n.key, n])),
      incoming,
      usesSecrets: JSON.stringify(definition.nodes.map((n) => n.config)).includes('secrets'),
    };
    // The oldest plan read goes first (a Map keeps the order of insertion).
    if (this.#plans.size >= PLAN_CACHE_LIMIT) this.#plans.delete(this.#plans.keys().next().value as string);
    this.#plans.set(versionId, plan);
    return plan;
  }

  /** Runs the execution a job names until it ends or waits; safe to call again for the same execution (resumes). */
  async run(executionId: string, options: { concurrency?: number | undefined } = {}): Promise<RunOutcome> {
    const claim = await this.#claim(executionId, options.concurrency);
    if (claim === 'gone') return 'gone';
    if ('busy' in claim) return this.#requeue(executionId, claim.busy, options.concurrency);
    return (await this.#execute(claim)).outcome;
  }

  /** The jobs a worker fetched together: one claim for those without a concurrency limit. */
  async runJobs(jobs: readonly RunJob[]): Promise<void> {
    const limited = jobs.filter((j) => j.concurrency && j.executionId) as {
      executionId: string;
      concurrency: number;
    }[];
    const free = jobs
      .filter((j) => !j.concurrency)
      .flatMap((j) => j.executionIds ?? (j.executionId ? [j.executionId] : []));
    const claims = free.length > 0 ? await this.#claimMany(free) : new Map<string, Claimed>();
    const results = await Promise.allSettled([
      ...free.map(async (id) => {
        const claim = claims.get(id) ?? 'gone';
        if (claim === 'gone') return;
        if ('busy' in claim) return void (await this.#requeue(id, claim.busy));
        await this.#execute(claim);
      }),
      ...limited.map((j) => this.run(j.executionId, { concurrency: j.concurrency })),
    ]);
    const failed = results.find((r) => r.status === 'rejected');
    // The runs that did finish are final; taking the batch again only resumes the others.
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /**
   * Runs an execution its intake wrote as running in this process (no claim needed). At most
   * `inlineConcurrency` run at once; the others wait in memory, held by their lease.
   */
  async launch(claim: ClaimRow): Promise<RunEnding | undefined> {
    // Registered at once, so a cancel reaches a run still waiting for its turn.
    const controller = new AbortController();
    this.#running.set(claim.id, controller);
    // Its version is read now, with those of the runs launched alongside (one query), not when its turn comes.
    if (claim.version_id) this.#plan(claim.version_id).catch(() => {});
    if (this.#inlineActive >= this.#o.inlineConcurrency) {
      await new Promise<void>((resolve) => this.#inlineQueue.push(resolve));
    } else {
      this.#inlineActive++;
    }
    // The turn is given on once the steps are done: a run waiting for its end to be written holds
    // no turn, so the next runs go on while many endings are written together.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.#inlineQueue.shift();
      if (this.#inlineQueue.length === 0 && this.#allStarted.length > 0) {
        for (const resolve of this.#allStarted) resolve();
        this.#allStarted = [];
      }
      if (next) next();
      else this.#inlineActive--;
    };
    try {
      return (await this.#execute(claim, controller, release)).ending;
    } catch (error) {
      // The row stays running with its lease: a lease sweep resumes it when the lease lapses.
      this.#o.log.error({ err: error, executionId: claim.id }, 'run stopped before its end was written');
      this.#running.delete(claim.id);
      return undefined;
    } finally {
      release();
    }
  }

  async #requeue(executionId: string, until: Date, concurrency?: number): Promise<RunOutcome> {
    await this.#o.queue.enqueueRuns(this.#o.db, [
      { executionId, startAfter: until, ...(concurrency ? { concurrency } : {}) },
    ]);
    setTimeout(() => this.#o.queue.wake(), Math.max(0, until.getTime() - Date.now()) + 20).unref();
    return 'requeued';
  }

  async #execute(
    claim: ClaimRow,
    held?: AbortController,
    walked?: () => void,
  ): Promise<{ outcome: RunOutcome; ending?: RunEnding }> {
    const { db } = this.#o;
    const startedAt = new Date();
    const controller = held ?? new AbortController();
    this.#running.set(claim.id, controller);
    const logs: RunLogLine[] = [];
    const buffer: StepBuffer = { executionId: claim.id, startedAt: startedAt.getTime(), rows: new Map() };
    const end = (result: WalkResult | { status: 'failed'; error: string }): RunEnd => {
      const r = result as WalkResult;
      return {
        executionId: claim.id,
        status: r.status as RunEnd['status'],
        output: r.status === 'success' ? r.output : null,
        error: r.error ?? null,
        errorNodeKey: r.errorNodeKey ?? null,
        completed: r.completed ?? 0,
        failedSteps: r.failedSteps ?? 0,
        startedAt,
        steps: [...buffer.rows.values()],
        logs,
      };
    };
    try {
      const plan = claim.version_id ? await this.#plan(claim.version_id) : undefined;
      if (!plan) {
        const ending = end({ status: 'failed', error: 'the workflow version of this run no longer exists' });
        await this.#o.writer.end(ending);
        return { outcome: 'finished', ending: endingOf(ending, {}) };
      }
      const timeoutMs = plan.definition.settings?.timeoutMs;
      const signal = timeoutMs
        ? AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)])
        : controller.signal;
      const records =
        claim.previous_status === 'pending' && claim.mode !== 'rerun'
          ? []
          : await db
              .selectFrom('execution_steps')
              .select(['node_key', 'status', 'output', 'error', 'attempt_count'])
              .where('execution_id', '=', claim.id)
              .execute();
      const steps: Record<string, unknown> = {};
      const result = await this.#walk(claim, plan, records as StepRecord[], signal, logs, buffer, steps);
      walked?.();
      if (result.status === 'waiting') {
        await this.#wait(claim, result.until, logs, [...buffer.rows.values()]);
        return {
          outcome: 'waiting',
          ending: {
            id: claim.id,
            status: 'waiting',
            output: null,
            errorMessage: null,
            errorNodeKey: null,
            finished: false,
            steps,
          },
        };
      }
      const ending = end(result);
      await this.#o.writer.end(ending);
      return { outcome: 'finished', ending: endingOf(ending, steps) };
    } finally {
      this.#running.delete(claim.id);
    }
  }

  async #claim(executionId: string, concurrency: number | undefined): Promise<Claimed> {
    if (!concurrency) return (await this.#claimMany([executionId])).get(executionId) ?? 'gone';
    const { db } = this.#o;
    // The workflow row serializes claims of one workflow, so the count of running runs is exact.
    return db.transaction().execute(async (trx) => {
      const row = await sql<{ workflow_id: string; status: string; running: number }>`
        SELECT e.workflow_id, e.status,
          (SELECT count(*)::int FROM executions r WHERE r.workflow_id = e.workflow_id AND r.status = 'running') AS running
        FROM executions e JOIN workflows w ON w.id = e.workflow_id
        WHERE e.id = ${executionId} FOR UPDATE OF w`.execute(trx);
      const current = row.rows[0];
      if (!current) return 'gone';
      if (current.status !== 'running' && current.running >= concurrency)
        return { busy: new Date(Date.now() + 1000) };
      return (await this.#claimMany([executionId], trx)).get(executionId) ?? 'gone';
    });
  }

  /**
   * Takes executions for this process in one statement: pending and waiting ones, and running ones
   * whose lease lapsed (their process died). A running one still leased elsewhere is busy until then.
   */
  async #claimMany(ids: readonly string[], db: Kysely<DB> = this.#o.db): Promise<Map<string, Claimed>> {
    const rows = await sql<ClaimRow & { claimed: boolean; lease_until: Date | null }>`
      WITH old AS (
        SELECT id, status, lease_until FROM executions WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE
      ), taken AS (
        UPDATE executions e SET status = 'running', started_at = COALESCE(e.started_at, now()),
          lease_until = now() + make_interval(secs => ${this.#o.leaseSeconds})
        FROM old WHERE e.id = old.id AND (old.status IN ('pending', 'waiting')
          OR (old.status = 'running' AND (old.lease_until IS NULL OR old.lease_until <= now())))
        RETURNING e.id, e.workflow_id, e.user_id, e.version_id, e.trigger_data, e.mode
      )
      SELECT old.id, old.status AS previous_status, old.lease_until, t.workflow_id, t.user_id, t.version_id,
        t.trigger_data, t.mode, t.id IS NOT NULL AS claimed
      FROM old LEFT JOIN taken t ON t.id = old.id`.execute(db);
    const claims = new Map<string, Claimed>();
    for (const row of rows.rows) {
      if (row.claimed) {
        const { claimed: _claimed, lease_until: _lease, ...claim } = row;
        claims.set(row.id, claim);
      } else if (row.previous_status === 'running' && row.lease_until) {
        claims.set(row.id, { busy: new Date(row.lease_until) });
      }
    }
    return claims;
  }

  async #walk(
    claim: ClaimRow,
    plan: Plan,
    records: StepRecord[],
    signal: AbortSignal,
    logs: RunLogLine[],
    buffer: StepBuffer,
    steps: Record<string, unknown>,
  ): Promise<WalkResult> {
    // Step records wait in the buffer and are written with the run's end; a run that takes longer
    // than WRITE_BEHIND_MS writes them before each next step instead.
    const record = (key: string, step: StepWrite) => {
      buffer.rows.set(key, stepRowOf(claim.id, key, step));
    };
    const flush = async () => {
      if (buffer.rows.size === 0 || Date.now() - buffer.startedAt < WRITE_BEHIND_MS) return;
      const rows = [...buffer.rows.values()];
      buffer.rows.clear();
      await writeSteps(this.#o.db, rows);
    };
    const triggerKey = plan.definition.trigger.key;
    const done = new Map<string, NodeState>();
    const recorded = new Map(records.map((r) => [r.node_key, r]));
    let secrets: Record<string, string> | undefined;
    let lastOutput: unknown = null;
    let failedSteps = 0;
    let completed = 0;

    const taken = (edge: DefinitionEdge): boolean => {
      if (edge.from === triggerKey) return edge.when === undefined;
      const from = done.get(edge.from);
      if (!from) return false;
      if (edge.when === 'error') return from.status === 'failed';
      if (from.status !== 'success') return false;
      if (edge.when === undefined) return true;
      return from.branch === (edge.when === 'true');
    };

    for (const key of plan.order) {
      const node = plan.nodes.get(key);
      if (!node) continue;
      const incoming = plan.incoming.get(key) ?? [];
      if (!incoming.some(taken)) continue;
      const type = nodeTypeOf(node);
      const flow = type === 'action' ? this.#o.steps.flowOf(node) : type;

      const previous = recorded.get(key);
      if (previous?.status === 'success') {
        const state: NodeState = { status: 'success', output: previous.output };
        const branch = branchOf(previous.output);
        if (branch !== undefined) state.branch = branch;
        done.set(key, state);
        steps[key] = previous.output;
        lastOutput = previous.output;
        completed++;
        continue;
      }
      if (signal.aborted)
        return { status: abortStatus(signal), error: reasonOf(signal), completed, failedSteps };

      if (node.enabled === false) {
        // A disabled node passes on what reached it.
        const from = incoming.find(taken)?.from;
        const passed = from && from !== triggerKey ? steps[from] : claim.trigger_data;
        done.set(key, { status: 'success', output: passed });
        steps[key] = passed;
        continue;
      }

      if (flow === 'delay' && previous?.status === 'waiting') {
        const until = waitUntilOf(previous.output);
        if (until && until.getTime() > Date.now() + 5) {
          return { status: 'waiting', until, completed, failedSteps };
        }
        record(key, {
          status: 'success',
          output: previous.output,
          error: null,
          attempts: previous.attempt_count,
          startedAt: null,
        });
        done.set(key, { status: 'success', output: previous.output });
        steps[key] = previous.output;
        completed++;
        continue;
      }

      if (plan.usesSecrets && !secrets && JSON.stringify(node.config).includes('secrets')) {
        secrets = (await this.#o.steps.loadSecrets?.(claim.user_id)) ?? {};
      }
      await flush();
      const startedAt = stepClock();
      const maxAttempts = node.retry?.maxAttempts ?? 1;
      let attempts = 0;
      let output: unknown;
      let error: string | undefined;
      let config: Record<string, unknown> = node.config;
      for (;;) {
        attempts++;
        try {
          config = hasTemplates(node.config)
            ? renderConfig(node.config, {
                trigger: claim.trigger_data,
                steps,
                ...(secrets ? { secrets } : {}),
              })
            : node.config;
          output = await this.#o.steps.run({
            node,
            config,
            signal,
            execution: { id: claim.id, workflowId: claim.workflow_id, userId: claim.user_id },
            log: (line) => logs.push({ ...line, nodeKey: key }),
          });
          error = undefined;
          break;
        } catch (caught) {
          error = messageOf(caught);
          const retryable =
            !(caught instanceof TemplateError) && !(caught instanceof PropsError) && !signal.aborted;
          if (!retryable || attempts >= maxAttempts) break;
          const wait = retryDelayMs(node.retry ?? { maxAttempts }, attempts);
          logs.push({
            nodeKey: key,
            level: 'warn',
            message: `attempt ${attempts} failed, retrying in ${wait} ms`,
            data: { error },
          });
          await sleep(wait, signal).catch(() => {});
        }
      }
      // Secrets never reach the record: a node whose config names them keeps its templates as input.
      const input =
        plan.usesSecrets && JSON.stringify(node.config).includes('secrets') ? node.config : config;

      if (error !== undefined) {
        if (signal.aborted) {
          record(key, { status: 'cancelled', input, output: null, error, attempts, startedAt });
          return { status: abortStatus(signal), error: reasonOf(signal), completed, failedSteps };
        }
        failedSteps++;
        logs.push({ nodeKey: key, level: 'error', message: `step failed: ${error}` });
        record(key, { status: 'failed', input, output: null, error, attempts, startedAt });
        done.set(key, { status: 'failed', output: null });
        const handled = (plan.definition.edges ?? []).some((e) => e.from === key && e.when === 'error');
        if (!handled) return { status: 'failed', error, errorNodeKey: key, completed, failedSteps };
        continue;
      }

      if (flow === 'delay') {
        const until = waitUntilOf(output) ?? new Date(Date.now() + delayMsOf(config));
        const waitOutput = {
          waitUntil: until.toISOString(),
          delayMs: Math.max(0, until.getTime() - startedAt.date.getTime()),
        };
        record(key, { status: 'waiting', input, output: waitOutput, error: null, attempts, startedAt });
        if (until.getTime() > Date.now() + 5) return { status: 'waiting', until, completed, failedSteps };
        record(key, {
          status: 'success',
          input,
          output: waitOutput,
          error: null,
          attempts,
          startedAt: null,
        });
        output = waitOutput;
      } else {
        record(key, { status: 'success', input, output, error: null, attempts, startedAt });
      }
      completed++;
      const state: NodeState = { status: 'success', output };
      if (flow === 'condition') state.branch = branchOf(output) ?? Boolean(output);
      done.set(key, state);
      steps[key] = output;
      lastOutput = output;
      if (flow === 'filter' && passOf(output) === false) {
        return { status: 'skipped', error: `filter ${key} did not pass`, completed, failedSteps };
      }
    }
    return { status: 'success', output: lastOutput, completed, failedSteps };
  }

  async #wait(claim: ClaimRow, until: Date, logs: RunLogLine[], steps: StepRow[]): Promise<void> {
    await this.#o.db.transaction().execute(async (trx) => {
      await writeSteps(trx, steps);
      await trx
        .updateTable('executions')
        .set({ status: 'waiting', lease_until: null })
        .where('id', '=', claim.id)
        .where('status', '=', 'running')
        .execute();
      await insertLogs(trx, claim.id, [
        ...logs,
        { nodeKey: null, level: 'info', message: `waiting until ${until.toISOString()}` },
      ]);
      await this.#o.queue.enqueueRuns(trx, [{ executionId: claim.id, startAfter: until }]);
    });
    // Workers poll slowly while NOTIFY is on; a short wait is picked up on time by waking them.
    const ms = until.getTime() - Date.now();
    if (ms < WAKE_WITHIN_MS) setTimeout(() => this.#o.queue.wake(), Math.max(0, ms) + 20).unref();
  }
}

type WalkResult =
  | {
      status: 'success';
      output: unknown;
      completed: number;
      failedSteps: number;
      error?: undefined;
      errorNodeKey?: undefined;
    }
  | { status: 'failed'; error: string; errorNodeKey?: string; completed: number; failedSteps: number }
  | {
      status: 'skipped' | 'cancelled';
      error: string;
      completed: number;
      failedSteps: number;
      errorNodeKey?: undefined;
    }
  | {
      status: 'waiting';
      until: Date;
      completed: number;
      failedSteps: number;
      error?: undefined;
      errorNodeKey?: undefined;
    };

/** A run's step records not written yet, by node key. */
interface StepBuffer {
  executionId: string;
  startedAt: number;
  rows: Map<string, StepRow>;
}

/** What a claim answers: the run to go on with, busy (held elsewhere until then), or gone. */
type Claimed = ClaimRow | { busy: Date } | 'gone';

interface StepWrite {
  status: string;
  input?: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  startedAt: StepTime | null;
}

/** A step's clock reading: the date, and the same instant in microseconds for its record. */
interface StepTime {
  date: Date;
  micros: number;
}

let lastMicros = 0;

/**
 * Now, strictly later than the previous reading of this process: steps that start within one
 * millisecond keep their order in their records (which are sorted by start).
 */
function stepClock(): StepTime {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
  return { date: new Date(Math.floor(lastMicros / 1000)), micros: lastMicros };
}

/** An ISO time with microseconds, as PostgreSQL reads it. */
function isoMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}

function stepRowOf(executionId: string, nodeKey: string, step: StepWrite): StepRow {
  const finished = step.status === 'success' || step.status === 'failed' || step.status === 'cancelled';
  const now = stepClock().micros;
  return {
    execution_id: executionId,
    node_key: nodeKey,
    status: step.status,
    attempt_count: step.attempts,
    input: step.input === undefined ? null : step.input,
    output: step.output ?? null,
    error: step.error,
    started_at: step.startedAt ? isoMicros(step.startedAt.micros) : null,
    finished_at: finished ? isoMicros(now) : null,
    duration_ms: step.startedAt && finished ? Math.round((now - step.startedAt.micros) / 1000) : null,
  };
}

function endingOf(end: RunEnd, steps: Record<string, unknown>): RunEnding {
  return {
    id: end.executionId,
    status: end.status,
    output: end.status === 'success' ? (end.output ?? null) : null,
    errorMessage: end.status === 'success' ? null : end.error,
    errorNodeKey: end.errorNodeKey,
    finished: true,
    steps,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A run stopped by its time limit failed; one stopped by a person was cancelled. */
function abortStatus(signal: AbortSignal): 'failed' | 'cancelled' {
  const reason = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'failed' : 'cancelled';
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError')
    return 'the run took longer than its time limit';
  return 'cancelled';
}

function branchOf(output: unknown): boolean | undefined {
  if (output && typeof output === 'object' && 'result' in output)
    return Boolean((output as { result: unknown }).result);
  return undefined;
}

function passOf(output: unknown): boolean | undefined {
  if (output && typeof output === 'object' && 'pass' in output)
    return Boolean((output as { pass: unknown }).pass);
  return undefined;
}

function waitUntilOf(output: unknown): Date | undefined {
  if (output && typeof output === 'object' && 'waitUntil' in output) {
    const date = new Date(String((output as { waitUntil: unknown }).waitUntil));
    if (!Number.isNaN(date.getTime())) return date;
  }
  return undefined;
}

function delayMsOf(config: Record<string, unknown>): number {
  const ms = Number(config['delayMs'] ?? Number(config['seconds'] ?? 0) * 1000);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
