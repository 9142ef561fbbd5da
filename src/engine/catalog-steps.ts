import type { Kysely } from 'kysely';
import type { ActionContext, StepLogger } from '../catalog/context.ts';
import { createHookState } from '../catalog/hook-state.ts';
import { createLimitedFetch, type FetchLimits } from '../catalog/limited-fetch.ts';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import type { DefinitionNode } from '../workflows/definition.ts';
import type { ConnectionLoader } from './connection-loader.ts';
import { checkProps } from './props-check.ts';
import type { StepCall, StepExecutor } from './step-executor.ts';

export interface CatalogStepsOptions {
  db: Kysely<DB>;
  /** The catalog, read at call time (it is built after the engine in some processes). */
  catalog: () => Catalog | undefined;
  fetchLimits: FetchLimits;
  /** Opens a node's connection (decrypted credentials and the refresh handle), scoped to its owner. */
  loadConnection?: ConnectionLoader;
  loadSecrets?(userId: string): Promise<Record<string, string>>;
}

/** Flow-control nodes without a component: the minimal built-in behaviour of each kind. */
function builtIn(node: DefinitionNode, config: Record<string, unknown>): unknown {
  switch (node.type) {
    case 'condition':
      return { result: Boolean(config['value'] ?? config['condition']) };
    case 'filter':
      return { pass: Boolean(config['value'] ?? config['pass'] ?? config['condition']) };
    case 'delay': {
      const ms = Number(config['delayMs'] ?? Number(config['seconds'] ?? 0) * 1000);
      const delayMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
      return { waitUntil: new Date(Date.now() + delayMs).toISOString(), delayMs };
    }
    default:
      throw new Error(`node ${node.key} names no component`);
  }
}

/** Runs nodes through the integration catalog: each action's `run(ctx)` with a context built per call. */
export function catalogSteps(options: CatalogStepsOptions): StepExecutor {
  const component = (node: DefinitionNode) =>
    node.service && node.component ? options.catalog()?.component(node.service, node.component) : undefined;
  const executor: StepExecutor = {
    flowOf(node) {
      const found = component(node);
      return found?.kind === 'action' ? found.flow : undefined;
    },
    async run(call: StepCall) {
      const { node } = call;
      if (!node.service || !node.component) return builtIn(node, call.config);
      const found = component(node);
      if (found?.kind !== 'action') {
        throw new Error(`unknown action ${node.service}.${node.component}`);
      }
      const log =
        (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
          call.log({ level, message, ...(data ? { data } : {}) });
      const stepLog: StepLogger = {
        debug: log('debug'),
        info: log('info'),
        warn: log('warn'),
        error: log('error'),
      };
      let auth: unknown;
      let connection: ActionContext<unknown>['connection'];
      if (node.connection) {
        if (!options.loadConnection) throw new Error('connections cannot be opened in this process');
        ({ auth, connection } = await options.loadConnection(call.execution.userId, node.connection));
      }
      const ctx: ActionContext<Record<string, unknown>> = {
        props: checkProps(found, call.config),
        auth,
        ...(connection ? { connection } : {}),
        state: createHookState(options.db, call.execution.workflowId, node.key),
        log: stepLog,
        signal: call.signal,
        http: createLimitedFetch(options.fetchLimits, call.signal),
        execution: call.execution,
        node: { key: node.key },
      };
      return found.definition.run(ctx as never);
    },
  };
  if (options.loadSecrets) executor.loadSecrets = options.loadSecrets;
  return executor;
}
