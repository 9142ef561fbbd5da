import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { CatalogComponent } from '../catalog/registry.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** A node's rendered config that does not fit its component's schema; not worth retrying. */
export class PropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropsError';
  }
}

const ajv = addFormats(
  new Ajv({ allErrors: false, strict: false, useDefaults: true, validateSchema: false }),
);
const compiled = new WeakMap<CatalogComponent, ValidateFunction>();

/**
 * Checks rendered props against the component's schema at run time (templates can produce
 * anything) and fills the schema's defaults. Returns a copy; the node's config is never changed.
 */
export function checkProps(
  component: CatalogComponent,
  props: Record<string, unknown>,
): Record<string, unknown> {
  let validate = compiled.get(component);
  if (!validate) {
    validate = ajv.compile(component.configSchema);
    compiled.set(component, validate);
  }
  const copy = structuredClone(props);
  if (!validate(copy)) {
    const error = validate.errors?.[0];
    const path = `config${(error?.instancePath ?? '').replaceAll('/', '.')}`;
    throw new PropsError(`${path}: ${error?.message ?? 'does not match the schema'}`);
  }
  return copy;
}
