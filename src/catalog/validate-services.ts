import { Ajv } from 'ajv';
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
 */
export function validateServices(definitions: readonly ServiceDefinition[]): string[] {
  const problems: string[] = [];
  const ajv = createSchemaAjv();
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
      if (option.type !== 'none' && option.type !== 'oauth2')
        compile(ajv, propsSchema(option.props), `service "${service.key}" auth`, problems);
    }
    const componentKeys = new Set<string>();
    for (const component of [...service.triggers, ...service.actions]) {
      const where = `${service.key}.${component.key}`;
      if (!COMPONENT_KEY.test(component.key)) problems.push(`${where}: key must match ${COMPONENT_KEY}`);
      if (componentKeys.has(component.key)) problems.push(`${where}: duplicate key`);
      componentKeys.add(component.key);
      compile(ajv, propsSchema(component.props), `${where} props`, problems);
      const output = compile(ajv, component.output, `${where} output`, problems);
      if (output && !output(component.sampleOutput)) {
        problems.push(`${where}: sampleOutput does not match output: ${ajv.errorsText(output.errors)}`);
      }
    }
    for (const trigger of service.triggers) {
      if (trigger.mode === 'subscription' && typeof trigger.subscription?.start !== 'function')
        problems.push(`${service.key}.${trigger.key}: a subscription trigger needs subscription.start`);
    }
  }
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

function compile(ajv: Ajv, schema: object, where: string, problems: string[]) {
  try {
    return ajv.compile(schema);
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
    return undefined;
  }
}
