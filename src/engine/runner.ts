import { type Kysely, sql } from 'kysely';
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
import { PropsError } from './props-check.ts';
import type { RunQueue } from './queue.ts';
import { hasTemplates, renderConfig, TemplateError } from './render.ts';
import { retryDelayMs, sleep } from './retry.ts';
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

interface ClaimRow {
  id: string;
  workflow_id: string;
  user_id: string;
  version_id: string | null;
  trigger_data: unknown;
  mode: string;
  previous_status: string;
}

export interface RunnerOptions {
  db: Kysely<DB>;
  queue: RunQueue;
  bus: EngineBus;
  steps: StepExecutor;
  log: Logger;
}

const PLAN_CACHE_LIMIT = 2_000;
const WAKE_WITHIN_MS = 10 * 60_000;

export class Runner {
  readonly #o: RunnerOptions;
  // Published versions never change, so a plan is computed once per version.
  readonly #plans = new Map<string, Plan>();
  readonly #running = new Map<string, AbortController>();

  constructor(options: RunnerOptions) {
    this.#o = options;
    options.bus.onCancel((executionId) => this.#running.get(executionId)?.abort(new Error('cancelled')));
  }

  /** The owner's secrets by name, when this process can open them. */
  async loadSecrets(userId: string): Promise<Record<string, string> | undefined> {
    return this.#o.steps.loadSecrets?.(userId);
  }

  get inFlight(): number {
    return this.#running.size;
  }

  async #plan(versionId: string): Promise<Plan | undefined> {
    const cached = this.#plans.get(versionId);
    if (cached) return cached;
    const row = await this.#o.db
      .selectFrom('workflow_versions')
      .select('definition')
      .where('id', '=', versionId)
      .executeTakeFirst();
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
    if (this.#plans.size >= PLAN_CACHE_LIMIT) this.#plans.clear();
    this.#plans.set(versionId, plan);
    return plan;
  }

  /** Runs the execution until it ends or waits; safe to call again for the same execution (resumes). */
  async run(executionId: string, options: { concurrency?: number | undefined } = {}): Promise<RunOutcome> {
    const { db } = this.#o;
    const claim = await this.#claim(executionId, options.concurrency);
    if (claim === 'busy') {
      await this.#o.queue.enqueueRuns(db, [
        {
          executionId,
          startAfter: new Date(Date.now() + 1000),
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        },
      ]);
      setTimeout(() => this.#o.queue.wake(), 1020).unref();
      return 'requeued';
    }
    if (!claim) return 'gone';
    const plan = claim.version_id ? await this.#plan(claim.version_id) : undefined;
    if (!plan) {
      await this.#finish(
        claim,
        { status: 'failed', error: 'the workflow version of this run no longer exists' },
        [],
      );
      return 'finished';
    }

    const controller = new AbortController();
    this.#running.set(executionId, controller);
    const timeoutMs = plan.definition.settings?.timeoutMs;
    const signal = timeoutMs
      ? AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)])
      : controller.signal;
    const logs: RunLogLine[] = [];
    try {
      const records =
        claim.previous_status === 'pending' && claim.mode !== 'rerun'
          ? []
          : await db
              .selectFrom('execution_steps')
              .select(['node_key', 'status', 'output', 'error', 'attempt_count'])
              .where('execution_id', '=', executionId)
              .execute();
      const carry: Carry = {};
      const result = await this.#walk(claim, plan, records as StepRecord[], signal, logs, carry);
      if (result.status === 'waiting') {
        if (carry.pending) await this.#record(claim.id, carry.pending.key, carry.pending.step);
        await this.#wait(claim, result.until, logs);
        return 'waiting';
      }
      await this.#finish(claim, result, logs, carry.pending);
      return 'finished';
    } finally {
      this.#running.delete(executionId);
    }
  }

  async #claim(executionId: string, concurrency: number | undefined): Promise<ClaimRow | undefined | 'busy'> {
    const { db } = this.#o;
    const claimQuery = sql<ClaimRow>`
      WITH old AS (SELECT id, status FROM executions WHERE id = ${executionId} FOR UPDATE)
      UPDATE executions e SET status = 'running', started_at = COALESCE(e.started_at, now())
      FROM old WHERE e.id = old.id AND old.status IN ('pending', 'running', 'waiting')
      RETURNING e.id, e.workflow_id, e.user_id, e.version_id, e.trigger_data, e.mode, old.status AS previous_status`;
    if (!concurrency) return (await claimQuery.execute(db)).rows[0];
    // The workflow row serializes claims of one workflow, so the count of running runs is exact.
    return db.transaction().execute(async (trx) => {
      const row = await sql<{ workflow_id: string; status: string; running: number }>`
        SELECT e.workflow_id, e.status,
          (SELECT count(*)::int FROM executions r WHERE r.workflow_id = e.workflow_id AND r.status = 'running') AS running
        FROM executions e JOIN workflows w ON w.id = e.workflow_id
        WHERE e.id = ${executionId} FOR UPDATE OF w`.execute(trx);
      const current = row.rows[0];
      if (!current) return undefined;
      if (current.status !== 'running' && current.running >= concurrency) return 'busy';
      return (await claimQuery.execute(trx)).rows[0];
    });
  }

  async #walk(
    claim: ClaimRow,
    plan: Plan,
    records: StepRecord[],
    signal: AbortSignal,
    logs: RunLogLine[],
    carry: Carry,
  ): Promise<WalkResult> {
    // A success is written when the next step starts or with the run's end, whichever comes first:
    // one statement fewer per run, and a crash can only repeat the step that had just finished.
    const record = async (key: string, step: StepWrite) => {
      await flush();
      await this.#record(claim.id, key, step);
    };
    const flush = async () => {
      const pending = carry.pending;
      carry.pending = undefined;
      if (pending) await this.#record(claim.id, pending.key, pending.step);
    };
    const triggerKey = plan.definition.trigger.key;
    const done = new Map<string, NodeState>();
    const recorded = new Map(records.map((r) => [r.node_key, r]));
    const steps: Record<string, unknown> = {};
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
        await record(key, {
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
      const startedAt = new Date();
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
          await record(key, { status: 'cancelled', input, output: null, error, attempts, startedAt });
          return { status: abortStatus(signal), error: reasonOf(signal), completed, failedSteps };
        }
        failedSteps++;
        logs.push({ nodeKey: key, level: 'error', message: `step failed: ${error}` });
        await record(key, { status: 'failed', input, output: null, error, attempts, startedAt });
        done.set(key, { status: 'failed', output: null });
        const handled = (plan.definition.edges ?? []).some((e) => e.from === key && e.when === 'error');
        if (!handled) return { status: 'failed', error, errorNodeKey: key, completed, failedSteps };
        continue;
      }

      if (flow === 'delay') {
        const until = waitUntilOf(output) ?? new Date(Date.now() + delayMsOf(config));
        const waitOutput = {
          waitUntil: until.toISOString(),
          delayMs: Math.max(0, until.getTime() - startedAt.getTime()),
        };
        await record(key, { status: 'waiting', input, output: waitOutput, error: null, attempts, startedAt });
        if (until.getTime() > Date.now() + 5) return { status: 'waiting', until, completed, failedSteps };
        await record(key, {
          status: 'success',
          input,
          output: waitOutput,
          error: null,
          attempts,
          startedAt: null,
        });
        output = waitOutput;
      } else {
        carry.pending = { key, step: { status: 'success', input, output, error: null, attempts, startedAt } };
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
    return { status: 'success', output: lastOutput, completed, failedSteps, steps };
  }

  async #record(executionId: string, nodeKey: string, step: StepWrite): Promise<void> {
    await stepUpsert(executionId, nodeKey, step).execute(this.#o.db);
  }

  async #wait(claim: ClaimRow, until: Date, logs: RunLogLine[]): Promise<void> {
    await this.#o.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('executions')
        .set({ status: 'waiting' })
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

  async #finish(
    claim: ClaimRow,
    result: WalkResult | { status: 'failed'; error: string },
    logs: RunLogLine[],
    pending?: { key: string; step: StepWrite },
  ): Promise<void> {
    const r = result as WalkResult;
    const output = r.status === 'success' ? (r.output ?? null) : null;
    logs.push({ nodeKey: null, level: r.status === 'failed' ? 'error' : 'info', message: `run ${r.status}` });
    // One statement ends the run, keeps the workflow's counters exact and writes the run's log.
    await sql`
      WITH e AS (
        UPDATE executions SET status = ${r.status}, output = ${JSON.stringify(output)}::jsonb,
          error_message = ${r.status === 'success' ? null : (r.error ?? null)},
          error_node_key = ${r.errorNodeKey ?? null},
          completed_steps = ${r.completed ?? 0}, failed_steps = ${r.failedSteps ?? 0},
          total_steps = ${(r.completed ?? 0) + (r.failedSteps ?? 0)},
          completed_at = now(),
          duration_ms = GREATEST(0, (extract(epoch FROM now() - started_at) * 1000)::bigint)
        WHERE id = ${claim.id} AND status = 'running'
        RETURNING workflow_id, status, duration_ms
      ), w AS (
        UPDATE workflows wf SET
          successful_executions = wf.successful_executions + (e.status = 'success')::int,
          failed_executions = wf.failed_executions + (e.status = 'failed')::int,
          average_duration_ms = CASE WHEN e.status IN ('success', 'failed') THEN
            (COALESCE(wf.average_duration_ms, 0) * (wf.successful_executions + wf.failed_executions) + e.duration_ms)
              / (wf.successful_executions + wf.failed_executions + 1)
            ELSE wf.average_duration_ms END
        FROM e WHERE wf.id = e.workflow_id
      ), l AS (
        INSERT INTO execution_logs (execution_id, node_key, log_level, message, data)
        SELECT ${claim.id}, x.node_key, x.level, x.message, x.data
        FROM jsonb_to_recordset(${JSON.stringify(logRows(logs))}::jsonb) AS x(node_key text, level text, message text, data jsonb)
      )${pending ? sql`, s AS (${stepUpsert(claim.id, pending.key, pending.step)})` : sql``}
      SELECT 1 FROM e`.execute(this.#o.db);
    this.#o.bus.publishDone(claim.id);
  }
}

type WalkResult =
  | {
      status: 'success';
      output: unknown;
      completed: number;
      failedSteps: number;
      steps: Record<string, unknown>;
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

/** A finished step whose record is written with the next write of the run. */
interface Carry {
  pending?: { key: string; step: StepWrite } | undefined;
}

interface StepWrite {
  status: string;
  input?: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  startedAt: Date | null;
}

/** The upsert of one step row. A step that succeeded is final: a resumed run never records it twice. */
function stepUpsert(executionId: string, nodeKey: string, step: StepWrite) {
  const finished = step.status === 'success' || step.status === 'failed' || step.status === 'cancelled';
  const now = new Date();
  const input = step.input === undefined ? null : JSON.stringify(step.input);
  return sql`
    INSERT INTO execution_steps (execution_id, node_key, status, attempt_count, input, output, error,
      started_at, finished_at, duration_ms)
    VALUES (${executionId}, ${nodeKey}, ${step.status}, ${step.attempts}, ${input}::jsonb,
      ${JSON.stringify(step.output ?? null)}::jsonb, ${step.error}, ${step.startedAt ?? now},
      ${finished ? now : null}, ${step.startedAt && finished ? now.getTime() - step.startedAt.getTime() : null})
    ON CONFLICT (execution_id, node_key) DO UPDATE SET status = excluded.status,
      attempt_count = GREATEST(execution_steps.attempt_count, excluded.attempt_count),
      input = COALESCE(excluded.input, execution_steps.input), output = excluded.output, error = excluded.error,
      finished_at = excluded.finished_at,
      duration_ms = COALESCE(excluded.duration_ms,
        (extract(epoch FROM excluded.finished_at - execution_steps.started_at) * 1000)::bigint)
    WHERE execution_steps.status <> 'success'`;
}

function logRows(logs: RunLogLine[]) {
  return logs.map((l) => ({
    node_key: l.nodeKey,
    level: l.level,
    message: l.message.slice(0, 10_000),
    data: l.data ?? null,
  }));
}

async function insertLogs(db: Kysely<DB>, executionId: string, logs: RunLogLine[]): Promise<void> {
  if (logs.length === 0) return;
  await db
    .insertInto('execution_logs')
    .values(
      logRows(logs).map((l) => ({
        execution_id: executionId,
        node_key: l.node_key,
        log_level: l.level,
        message: l.message,
        data: l.data === null ? null : JSON.stringify(l.data),
      })),
    )
    .execute();
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
