import { Liquid, type Template } from 'liquidjs';

/**
 * What a node's templates can read: the trigger's data, earlier steps' outputs by node key, and the
 * owner's secrets. A bare `{{ name }}` reads a trigger field (the older single-level form).
 */
export interface RenderScope {
  trigger: unknown;
  steps: Record<string, unknown>;
  secrets?: Record<string, string>;
}

export class TemplateError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'TemplateError';
    this.path = path;
  }
}

// User text is data, never code: Liquid has no way to call JavaScript, ownPropertyOnly keeps
// prototypes (constructor, __proto__) out of reach, an empty in-memory template map keeps
// include/render/layout away from the file system, and the limits stop runaway loops and strings.
// Made on first use: making it looks up the default locale through Intl, whose first use loads the
// locale data (about 20 ms of every start otherwise).
let engine: Liquid | undefined;
const liquid = () =>
  (engine ??= new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    templates: {},
    dynamicPartials: false,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    jsTruthy: true,
  }));

const SINGLE_OUTPUT = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/;
const PARSED_CACHE_LIMIT = 5_000;
const parsed = new Map<string, Template[]>();

function parse(text: string): Template[] {
  let templates = parsed.get(text);
  if (!templates) {
    templates = liquid().parse(text);
    if (parsed.size >= PARSED_CACHE_LIMIT) parsed.clear();
    parsed.set(text, templates);
  }
  return templates;
}

function scopeObject(scope: RenderScope): Record<string, unknown> {
  const trigger = scope.trigger;
  const fields = trigger && typeof trigger === 'object' && !Array.isArray(trigger) ? trigger : {};
  // Named roots win over trigger fields of the same name.
  return { ...fields, trigger, steps: scope.steps, secrets: scope.secrets ?? {} };
}

function renderString(text: string, vars: Record<string, unknown>, path: string): unknown {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  try {
    const single = SINGLE_OUTPUT.exec(text);
    // A value that is exactly one output keeps its type: a number stays a number, an object an object.
    if (single?.[1] && !single[1].includes('}}') && !single[1].includes('{{')) {
      parse(text); // the same checks (unknown filters, syntax) as any other template
      const value = liquid().evalValueSync(single[1], vars);
      return value === undefined ? null : value;
    }
    return liquid().renderSync(parse(text), vars);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TemplateError(path, message ?? 'template error');
  }
}

function walk(value: unknown, vars: Record<string, unknown>, path: string): unknown {
  if (typeof value === 'string') return renderString(value, vars, path);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, vars, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = walk(item, vars, path ? `${path}.${key}` : key);
    return out;
  }
  return value;
}

/** Renders every string inside a node's config; throws TemplateError naming the field on a bad template. */
export function renderConfig<T>(config: T, scope: RenderScope, path = 'config'): T {
  return walk(config, scopeObject(scope), path) as T;
}

/** Whether a config holds any template at all (lets the runner skip the work for static configs). */
export function hasTemplates(config: unknown): boolean {
  if (typeof config === 'string') return config.includes('{{') || config.includes('{%');
  if (Array.isArray(config)) return config.some(hasTemplates);
  if (config && typeof config === 'object') return Object.values(config).some(hasTemplates);
  return false;
}
