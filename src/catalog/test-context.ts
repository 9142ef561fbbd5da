import type { ActionContext, HookState, StepLogger, TriggerContext } from './context.ts';
import { createLimitedFetch } from './limited-fetch.ts';

/** Log lines a test context collected. */
export type LoggedLine = { level: keyof StepLogger; message: string; data?: Record<string, unknown> };

export function memoryHookState(): HookState & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, value);
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}

function collectingLogger(lines: LoggedLine[]): StepLogger {
  const at = (level: keyof StepLogger) => (message: string, data?: Record<string, unknown>) => {
    lines.push({ level, message, ...(data ? { data } : {}) });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A context to run one component outside the engine (tests, "try this step" in the editor):
 * in-memory hook state, a collecting logger, the limited fetch with the given limits.
 */
export function standaloneActionContext<P>(
  props: P,
  options: Partial<Omit<ActionContext<P>, 'props'>> & {
    limits?: { timeoutMs: number; maxBytes: number };
  } = {},
): ActionContext<P> & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const signal = options.signal ?? new AbortController().signal;
  return {
    props,
    auth: options.auth,
    ...(options.connection ? { connection: options.connection } : {}),
    state: options.state ?? memoryHookState(),
    log: options.log ?? collectingLogger(lines),
    signal,
    http:
      options.http ??
      createLimitedFetch(options.limits ?? { timeoutMs: 10_000, maxBytes: 1024 * 1024 }, signal),
    execution: options.execution ?? { id: 'execution', workflowId: 'workflow', userId: 'user' },
    node: options.node ?? { key: 'step' },
    lines,
  };
}

export function standaloneTriggerContext<P>(
  props: P,
  options: Partial<Omit<TriggerContext<P>, 'props'>> = {},
): TriggerContext<P> & { lines: LoggedLine[] } {
  const { execution: _e, ...base } = standaloneActionContext(props, options as Partial<ActionContext<P>>);
  return {
    ...base,
    workflow: options.workflow ?? { id: 'workflow', userId: 'user' },
    publicUrl: options.publicUrl ?? 'http://localhost:3000',
  };
}
