import type {
  ActionContext,
  ConnectionInfo,
  HookState,
  LimitedFetch,
  StepLogger,
  TriggerContext,
} from '../../catalog/context.ts';
import { createLimitedFetch } from '../../catalog/limited-fetch.ts';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** A step logger that keeps its lines for assertions. */
export function memoryLogger(): StepLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (message: string, data?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(data ? { data } : {}) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Hook state kept in a map (actions and triggers whose test does not need the database). */
export function memoryState(): HookState & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}

export function testFetch(signal?: AbortSignal): LimitedFetch {
  return createLimitedFetch({ timeoutMs: 10_000, maxBytes: 5_000_000 }, signal);
}

export interface ContextOptions {
  auth?: unknown;
  connection?: Partial<ConnectionInfo>;
  state?: HookState;
}

function connectionOf(options: ContextOptions): { connection?: ConnectionInfo } {
  if (!options.connection) return {};
  return {
    connection: {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'test connection',
      serviceKey: 'test',
      config: {},
      refresh: async () => options.auth,
      ...options.connection,
    },
  };
}

/** The context the engine would hand an action, with real fetch and in-memory state. */
export function actionContext<P>(
  props: P,
  options: ContextOptions = {},
): ActionContext<P> & {
  log: ReturnType<typeof memoryLogger>;
} {
  const signal = new AbortController().signal;
  return {
    props,
    auth: options.auth,
    ...connectionOf(options),
    state: options.state ?? memoryState(),
    log: memoryLogger(),
    signal,
    http: testFetch(signal),
    execution: {
      id: '00000000-0000-4000-8000-0000000000e1',
      workflowId: '00000000-0000-4000-8000-0000000000f1',
      userId: '00000000-0000-4000-8000-0000000000a1',
    },
    node: { key: 'step_1' },
  };
}

/** The context of a trigger for one workflow (its id must exist when the state lives in the database). */
export function triggerContext<P>(
  props: P,
  options: ContextOptions & { workflow?: { id: string; userId: string } } = {},
): TriggerContext<P> & { log: ReturnType<typeof memoryLogger> } {
  const signal = new AbortController().signal;
  return {
    props,
    auth: options.auth,
    ...connectionOf(options),
    state: options.state ?? memoryState(),
    log: memoryLogger(),
    signal,
    http: testFetch(signal),
    workflow: options.workflow ?? {
      id: '00000000-0000-4000-8000-0000000000f1',
      userId: '00000000-0000-4000-8000-0000000000a1',
    },
    node: { key: 'trigger' },
    publicUrl: 'http://127.0.0.1:3000',
  };
}
