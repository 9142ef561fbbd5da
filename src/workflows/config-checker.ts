import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldProblem } from '../http/errors.ts';

// ajv-formats is CommonJS with a default export; under Node's ESM interop it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** A value that is (or holds) a `{{ }}` template is only known at run time: its type is not checked now. */
function holdsTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function joinPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(part)
      ? `[${part}]`
      : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)
        ? `.${part}`
        : `[${JSON.stringify(part)}]`;
  }
  return path;
}

function describe(error: ErrorObject): { suffix: string; message: string } {
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { suffix: `/${missing}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { suffix: `/${extra}`, message: 'is not a parameter of this component' };
  }
  return { suffix: '', message: error.message ?? 'is not valid' };
}

/**
 * Checks node parameters against a component's JSON Schema (Ajv, every error at once).
 * Compiled schemas are kept per checker; build one per app.
 */
export class ConfigChecker {
  readonly #ajv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.#ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats(this.#ajv);
  }

  #compile(schema: Record<string, unknown>): ValidateFunction | undefined {
    const id = JSON.stringify(schema);
    let fn = this.#compiled.get(id);
    if (!fn) {
      try {
        fn = this.#ajv.compile(schema);
      } catch {
        return undefined;
      }
      if (this.#compiled.size > 1000) this.#compiled.clear();
      this.#compiled.set(id, fn);
    }
    return fn;
  }

  /** Problems of `config` against `schema`, with paths under `basePath` (e.g. `nodes[2].config`). */
  check(schema: Record<string, unknown>, config: unknown, basePath: string): FieldProblem[] {
    const validate = this.#compile(schema);
    if (!validate)
      return [{ path: basePath, rule: 'schema', message: "the component's parameter schema is not valid" }];
    if (validate(config)) return [];
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      if (error.keyword !== 'required' && error.keyword !== 'additionalProperties') {
        if (holdsTemplate(valueAt(config, error.instancePath))) continue;
      }
      // `anyOf`/`oneOf` repeat their branches' errors; the summary is enough.
      const { suffix, message } = describe(error);
      const path = joinPath(basePath, error.instancePath + suffix);
      const key = `${path}|${error.keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ path, rule: error.keyword, message });
    }
    return problems;
  }
}
