import type { FieldProblem } from '../api/client.ts';
import type { Definition } from '../api/types.ts';

/**
 * API problems (`nodes[2].config.url`, `trigger.config.cron`, `edges[0].to`) grouped by the node they
 * name, with the path made relative to it; the rest stay with the workflow.
 */
export function problemsByNode(definition: Definition, problems: FieldProblem[]) {
  const byNode = new Map<string, FieldProblem[]>();
  const general: FieldProblem[] = [];
  for (const problem of problems) {
    const path = problem.path.replace(/^body\./, '').replace(/^definition\./, '');
    const step = /^nodes\[(\d+)\]\.?(.*)$/.exec(path);
    const trigger = /^trigger\.?(.*)$/.exec(path);
    let key: string | undefined;
    let rest = '';
    if (step) {
      key = definition.nodes[Number(step[1])]?.key;
      rest = step[2] ?? '';
    } else if (trigger && definition.trigger) {
      key = definition.trigger.key;
      rest = trigger[1] ?? '';
    }
    if (!key) {
      general.push(problem);
      continue;
    }
    const list = byNode.get(key) ?? [];
    list.push({ ...problem, path: rest || '(node)' });
    byNode.set(key, list);
  }
  return { byNode, general };
}
