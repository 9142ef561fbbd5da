import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AUTH_OPTION_FIELD, authOptionsOf } from './auth-options.ts';
import type { ServiceDefinition } from './define.ts';
import { propsSchema } from './props.ts';

// ajv-formats is CommonJS with a default export; under Node's ESM interop it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Keywords our schemas carry for forms and the UI; Ajv ignores them when checking values. */
export const SCHEMA_ANNOTATIONS = [
  'placeholder',
  'x-order',
  'x-widget',
  'x-options',
  'x-secret',
  'x-dynamic-options',
  'x-depends-on',
  'x-oauth2',
  'x-discriminator',
] as const;

const SERVICE_KEY = /^[a-z0-9][a-z0-9_-]*$/;
const COMPONENT_KEY = /^[a-z0-9][a-z0-9_]*$/;

/** An Ajv that knows our schema annotations (placeholder, x-order, ...) and the string formats. */
export function createSchemaAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
  return ajv;
}

/**
 * Problems in the definitions: duplicate or malformed keys, schemas Ajv cannot compile, samples that
 * do not match their output schema. Empty when the catalog is sound.
 *
 * Compiling every schema is most of the cost (about 300 ms for the shipped services), and the
 * definitions are code that seldom changes: a schema check that passed is remembered by a fingerprint
 * of what it read (see checkedSchemas), so later starts of the same build only check what is new.
 */
export function validateServices(definitions: readonly ServiceDefinition[]): string[] {
  const problems: string[] = [];
  const checked = checkedSchemas();
  let ajv: Ajv | undefined;
  // Checks the schemas, unless the same ones passed before; records them when they pass now.
  const checkSchemas = (parts: unknown[], check: (ajv: Ajv) => string[]) => {
    const fingerprint = fingerprintOf(parts);
    if (checked.has(fingerprint)) return;
    ajv ??= createSchemaAjv();
    const found = check(ajv);
    if (found.length === 0) checked.add(fingerprint);
    problems.push(...found);
  };
  const serviceKeys = new Set<string>();
  const serviceNames = new Set<string>();
  for (const service of definitions) {
    if (!SERVICE_KEY.test(service.key))
      problems.push(`service "${service.key}": key must match ${SERVICE_KEY}`);
    if (serviceKeys.has(service.key)) problems.push(`service "${service.key}": duplicate key`);
    if (serviceNames.has(service.name))
      problems.push(`service "${service.key}": duplicate name ${service.name}`);
    serviceKeys.add(service.key);
    serviceNames.add(service.name);
    if (service.auth.type === 'alternatives') problems.push(...alternativesProblems(service));
    for (const option of authOptionsOf(service)) {
      if (option.type !== 'none' && option.type !== 'oauth2') {
        const schema = propsSchema(option.props);
        checkSchemas(
          ['auth', schema],
          (a) => compileProblems(a, schema, `service "${service.key}" auth`).problems,
        );
      }
    }
    const componentKeys = new Set<string>();
    for (const component of [...service.triggers, ...service.actions]) {
      const where = `${service.key}.${component.key}`;
      if (!COMPONENT_KEY.test(component.key)) problems.push(`${where}: key must match ${COMPONENT_KEY}`);
      if (componentKeys.has(component.key)) problems.push(`${where}: duplicate key`);
      componentKeys.add(component.key);
      const props = propsSchema(component.props);
      checkSchemas(['component', props, component.output, component.sampleOutput], (a) => {
        const found = compileProblems(a, props, `${where} props`).problems;
        const output = compileProblems(a, component.output, `${where} output`);
        found.push(...output.problems);
        if (output.validate && !output.validate(component.sampleOutput)) {
          found.push(`${where}: sampleOutput does not match output: ${a.errorsText(output.validate.errors)}`);
        }
        return found;
      });
    }
    for (const trigger of service.triggers) {
      if (trigger.mode === 'subscription' && typeof trigger.subscription?.start !== 'function')
        problems.push(`${service.key}.${trigger.key}: a subscription trigger needs subscription.start`);
    }
  }
  checked.save();
  return problems;
}

function alternativesProblems(service: ServiceDefinition): string[] {
  const options = authOptionsOf(service);
  const where = `service "${service.key}" auth`;
  const problems: string[] = [];
  if (options.length < 2) problems.push(`${where}: alternatives need at least two options`);
  const types = options.map((o) => o.type);
  if (new Set(types).size !== types.length) problems.push(`${where}: one option per auth type`);
  if (types.includes('none')) problems.push(`${where}: an alternative cannot be "none"`);
  for (const option of options) {
    if (option.type !== 'none' && option.type !== 'oauth2' && AUTH_OPTION_FIELD in option.props)
      problems.push(`${where}: the field "${AUTH_OPTION_FIELD}" names the option, props cannot use it`);
  }
  return problems;
}

function compileProblems(
  ajv: Ajv,
  schema: object,
  where: string,
): { validate: ValidateFunction | undefined; problems: string[] } {
  try {
    return { validate: ajv.compile(schema), problems: [] };
  } catch (error) {
    return { validate: undefined, problems: [`${where}: ${(error as Error).message}`] };
  }
}

// What else decides whether a schema compiles: the Ajv release and the keywords and formats added here.
const CHECK_VERSION = `ajv-${(createRequire(import.meta.url)('ajv/package.json') as { version: string }).version}/${SCHEMA_ANNOTATIONS.join(',')}`;

function fingerprintOf(parts: unknown[]): string {
  return createHash('sha256').update(CHECK_VERSION).update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** Beside the embedded database template and the compile cache: the install's own cache directory. */
const CHECKED_FILE = fileURLToPath(
  new URL('../../node_modules/.cache/area/checked-schemas.json', import.meta.url),
);

const MAX_CHECKED = 5000;

/**
 * The fingerprints of schema checks that passed, kept in the install's cache directory. Only passes
 * are kept, so a broken definition is reported at every start. Where the directory cannot be read or
 * written (a read-only install) every start checks everything, as without it.
 */
function checkedSchemas() {
  let known: Set<string>;
  try {
    known = new Set(JSON.parse(readFileSync(CHECKED_FILE, 'utf8')) as string[]);
  } catch {
    known = new Set();
  }
  const added = new Set<string>();
  return {
    has: (fingerprint: string) => known.has(fingerprint),
    add: (fingerprint: string) => added.add(fingerprint),
    save() {
      if (added.size === 0) return;
      try {
        mkdirSync(path.dirname(CHECKED_FILE), { recursive: true });
        const partial = `${CHECKED_FILE}.${process.pid}`;
        // The newest last; old builds' fingerprints fall off the front.
        writeFileSync(partial, JSON.stringify([...known, ...added].slice(-MAX_CHECKED)));
        renameSync(partial, CHECKED_FILE);
      } catch {
        // Remembering is an optimisation only.
      }
    },
  };
}
