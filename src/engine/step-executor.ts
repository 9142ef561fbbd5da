import type { DefinitionNode } from '../workflows/definition.ts';

/** A line for the run's log (execution_logs), written with the run's next write. */
export interface RunLogLine {
  nodeKey: string | null;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** One call of a node's component, with its config already rendered. */
export interface StepCall {
  node: DefinitionNode;
  config: Record<string, unknown>;
  signal: AbortSignal;
  execution: { id: string; workflowId: string; userId: string };
  log(line: Omit<RunLogLine, 'nodeKey'>): void;
}

/** What a flow-control component answered, read by the runner. */
export type FlowKindOf = (node: DefinitionNode) => 'condition' | 'filter' | 'delay' | undefined;

/** Runs one node's component: the catalog's action code, through the bridge in catalog-steps.ts. */
export interface StepExecutor {
  run(call: StepCall): Promise<unknown>;
  /** The flow-control kind of the node's component, when it is one. */
  flowOf: FlowKindOf;
  /** Secrets of the owner, by name (only read when a template names `secrets`). */
  loadSecrets?(userId: string): Promise<Record<string, string>>;
}
