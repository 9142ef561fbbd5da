import { Handle, type NodeProps, Position } from '@xyflow/react';
import type { StepNode } from '../lib/graph.ts';

/** One box on the canvas: trigger or step, with its run status or its problems. */
export function StepNodeView({ data, selected }: NodeProps<StepNode>) {
  const classes = ['step-node'];
  if (data.isTrigger) classes.push('step-node-trigger');
  if (data.status) classes.push(`step-${data.status}`);
  if (data.problems) classes.push('step-invalid');
  if (data.disabled) classes.push('step-disabled');
  if (selected) classes.push('step-selected');
  return (
    <div className={classes.join(' ')} data-key={data.key} data-status={data.status}>
      {data.isTrigger ? null : <Handle type="target" position={Position.Left} />}
      <div className="step-kind">{data.isTrigger ? 'Trigger' : 'Step'}</div>
      <div className="step-title">{data.title}</div>
      <div className="step-sub">{data.subtitle}</div>
      {data.status ? <div className={`step-status step-status-${data.status}`}>{data.status}</div> : null}
      {data.problems ? (
        <div className="step-problems" title="This node has problems">
          {data.problems} problem{data.problems > 1 ? 's' : ''}
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const NODE_TYPES = { step: StepNodeView };
