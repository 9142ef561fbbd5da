import type { Run } from '../api/types.ts';
import type { ChartDay } from '../components/run-chart.tsx';
import { dayOf } from './format.ts';

export interface WorkflowStat {
  workflowId: string;
  name: string;
  runs: number;
  failed: number;
  averageMs: number;
}

export interface RunStats {
  days: ChartDay[];
  total: number;
  finished: number;
  succeeded: number;
  slowest: WorkflowStat[];
  failing: WorkflowStat[];
  recentFailures: Run[];
}

/** The dashboard's numbers, from the runs of the last `dayCount` days. */
export function runStats(
  runs: Run[],
  dayCount: number,
  nameOf: (id: string) => string,
  now = new Date(),
): RunStats {
  const days: ChartDay[] = [];
  for (let i = dayCount - 1; i >= 0; i--) {
    const day = dayOf(new Date(now.getTime() - i * 86_400_000).toISOString());
    days.push({ day, success: 0, failed: 0, cancelled: 0, skipped: 0, running: 0 });
  }
  const byDay = new Map(days.map((d) => [d.day, d]));
  const perWorkflow = new Map<string, WorkflowStat & { timed: number; totalMs: number }>();
  let finished = 0;
  let succeeded = 0;
  for (const run of runs) {
    const day = byDay.get(dayOf(run.startedAt ?? run.createdAt ?? ''));
    if (!day) continue;
    const bucket = run.status === 'pending' || run.status === 'waiting' ? 'running' : run.status;
    if (bucket in day) day[bucket as keyof Omit<ChartDay, 'day'>] += 1;
    if (run.status === 'success' || run.status === 'failed') finished += 1;
    if (run.status === 'success') succeeded += 1;
    const stat = perWorkflow.get(run.workflowId) ?? {
      workflowId: run.workflowId,
      name: run.workflowName ?? run.workflow?.name ?? nameOf(run.workflowId),
      runs: 0,
      failed: 0,
      averageMs: 0,
      timed: 0,
      totalMs: 0,
    };
    stat.runs += 1;
    if (run.status === 'failed') stat.failed += 1;
    if (typeof run.durationMs === 'number') {
      stat.timed += 1;
      stat.totalMs += run.durationMs;
      stat.averageMs = stat.totalMs / stat.timed;
    }
    perWorkflow.set(run.workflowId, stat);
  }
  const stats = [...perWorkflow.values()];
  return {
    days,
    total: days.reduce((sum, d) => sum + d.success + d.failed + d.cancelled + d.skipped + d.running, 0),
    finished,
    succeeded,
    slowest: stats
      .filter((s) => s.timed > 0)
      .sort((a, b) => b.averageMs - a.averageMs)
      .slice(0, 5),
    failing: stats
      .filter((s) => s.failed > 0)
      .sort((a, b) => b.failed - a.failed)
      .slice(0, 5),
    recentFailures: runs.filter((r) => r.status === 'failed').slice(0, 5),
  };
}
