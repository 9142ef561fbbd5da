/**
 * Finds what the `{{ ... }}` templates in a node's parameters refer to, without rendering them
 * (the engine renders with LiquidJS). Used by validation: a template must not name a step that
 * does not run before the node holding it.
 */

export type TemplateReference =
  /** `{{ trigger.field }}`: the trigger's output. */
  | { kind: 'trigger'; path: string; expression: string; field: string[] }
  /** `{{ steps.key.field }}`: the output of an earlier step. */
  | { kind: 'step'; path: string; expression: string; node: string; field: string[] }
  /** `{{ secrets.NAME }}`: a named secret of the owner. */
  | { kind: 'secret'; path: string; expression: string; name: string }
  /** Seed 001's bare `{{ variable }}`: a field of the trigger's output. */
  | { kind: 'variable'; path: string; expression: string; name: string }
  /** Anything else (a literal, an unknown root): reported so validation can name it. */
  | { kind: 'unknown'; path: string; expression: string };

const OUTPUT = /\{\{-?([\s\S]*?)-?\}\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `steps.fetch.body["first name"][0]` into `['steps', 'fetch', 'body', 'first name', '0']`. */
function splitPath(text: string): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  const head = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
  if (!head) return undefined;
  parts.push(head[0]);
  rest = rest.slice(head[0].length);
  while (rest.length > 0) {
    const dot = /^\.([A-Za-z0-9_-]+)/.exec(rest);
    const bracket = /^\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\]/.exec(rest);
    const m = dot ?? bracket;
    if (!m) return undefined;
    parts.push(m[1] ?? m[2] ?? m[3] ?? '');
    rest = rest.slice(m[0].length);
  }
  return parts;
}

/** The variable an output expression starts with: `steps.a.b | upcase` -> `steps.a.b`. */
function leadingVariable(expression: string): string {
  const text = expression.trimStart();
  let quote: string | undefined;
  let end = 0;
  for (; end < text.length; end += 1) {
    const c = text[end] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '|' || /\s/.test(c)) {
      break;
    }
  }
  return text.slice(0, end);
}

/** The references in one string. */
export function referencesInText(text: string, path: string): TemplateReference[] {
  const found: TemplateReference[] = [];
  for (const match of text.matchAll(OUTPUT)) {
    const expression = (match[1] ?? '').trim();
    const parts = splitPath(leadingVariable(expression));
    if (!parts || parts.length === 0) {
      found.push({ kind: 'unknown', path, expression });
      continue;
    }
    const [root, second, ...rest] = parts as [string, ...string[]];
    if (root === 'trigger') {
      found.push({ kind: 'trigger', path, expression, field: parts.slice(1) });
    } else if (root === 'steps') {
      if (second === undefined) found.push({ kind: 'unknown', path, expression });
      else found.push({ kind: 'step', path, expression, node: second, field: rest });
    } else if (root === 'secrets') {
      if (second === undefined || !IDENTIFIER.test(second)) found.push({ kind: 'unknown', path, expression });
      else found.push({ kind: 'secret', path, expression, name: second });
    } else if (parts.length === 1) {
      found.push({ kind: 'variable', path, expression, name: root });
    } else {
      found.push({ kind: 'unknown', path, expression });
    }
  }
  return found;
}

/** Walks a config value (objects, arrays, strings) and lists every reference with its path. */
export function findTemplateReferences(value: unknown, path = 'config'): TemplateReference[] {
  if (typeof value === 'string') return value.includes('{{') ? referencesInText(value, path) : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findTemplateReferences(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      findTemplateReferences(v, IDENTIFIER.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`),
    );
  }
  return [];
}

/** True when the whole string is one template (the engine then keeps the rendered value's type). */
export function isWholeTemplate(text: string): boolean {
  const trimmed = text.trim();
  const all = [...trimmed.matchAll(OUTPUT)];
  return all.length === 1 && all[0]?.index === 0 && all[0][0].length === trimmed.length;
}
