import { AUTH_OPTION_FIELD, authOptionsOf } from '../catalog/auth-options.ts';
import type { ServiceAuth } from '../catalog/define.ts';
import { propsSchema } from '../catalog/props.ts';
import type { CatalogService } from '../catalog/registry.ts';
import { createSchemaAjv } from '../catalog/validate-services.ts';
import type { FieldProblem } from '../http/errors.ts';

const ajv = createSchemaAjv();
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function oauth2Problem(service: CatalogService, path: string): FieldProblem {
  return {
    path,
    rule: 'oauth2',
    message: `${service.definition.name} connects through OAuth2: use POST /api/v1/connections/oauth/${service.key}/start`,
  };
}

/** Problems of credentials against one option's fields; `schemaOwner` keys the compiled validator. */
function checkAgainst(
  service: CatalogService,
  auth: ServiceAuth,
  credentials: unknown,
  schemaOwner: object,
): FieldProblem[] {
  if (auth.type === 'none') {
    return credentials === undefined ||
      (typeof credentials === 'object' && credentials !== null && Object.keys(credentials).length === 0)
      ? []
      : [{ path: 'credentials', rule: 'none', message: `${service.definition.name} takes no credentials` }];
  }
  if (auth.type === 'oauth2') return [oauth2Problem(service, 'credentials')];
  let validate = compiled.get(schemaOwner);
  if (!validate) {
    validate = ajv.compile(schemaOwner === service.authSchema ? service.authSchema : propsSchema(auth.props));
    compiled.set(schemaOwner, validate);
  }
  if (validate(credentials ?? {})) return [];
  return (validate.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `.${String(e.params['missingProperty'])}` : '';
    const extra = e.keyword === 'additionalProperties' ? `.${String(e.params['additionalProperty'])}` : '';
    const path = `credentials${e.instancePath.replaceAll('/', '.')}${missing}${extra}`;
    // Never echo the value: the message says the rule only.
    return { path, rule: e.keyword, message: e.message ?? 'is not valid' };
  });
}

/**
 * Credentials of a service with alternatives: `authType` names the option (OAuth2 only through the
 * flow); without it, the first pasted option they satisfy. Answers the option or the problems of the
 * closest one.
 */
function matchAlternative(
  service: CatalogService,
  credentials: unknown,
): { option: ServiceAuth; problems: [] } | { option: undefined; problems: FieldProblem[] } {
  const options = authOptionsOf(service.definition);
  if (credentials !== undefined && (typeof credentials !== 'object' || credentials === null)) {
    return {
      option: undefined,
      problems: [{ path: 'credentials', rule: 'type', message: 'must be an object' }],
    };
  }
  const { [AUTH_OPTION_FIELD]: named, ...fields } = (credentials ?? {}) as Record<string, unknown>;
  const path = `credentials.${AUTH_OPTION_FIELD}`;
  if (named !== undefined) {
    const option = options.find((o) => o.type === named);
    if (!option) {
      const allowed = options.map((o) => `"${o.type}"`).join(', ');
      return { option: undefined, problems: [{ path, rule: 'enum', message: `must be one of ${allowed}` }] };
    }
    if (option.type === 'oauth2') return { option: undefined, problems: [oauth2Problem(service, path)] };
    const problems = checkAgainst(service, option, fields, option);
    return problems.length === 0 ? { option, problems: [] } : { option: undefined, problems };
  }
  let closest: FieldProblem[] | undefined;
  for (const option of options) {
    if (option.type === 'oauth2') continue;
    const problems = checkAgainst(service, option, fields, option);
    if (problems.length === 0) return { option, problems: [] };
    if (!closest || problems.length < closest.length) closest = problems;
  }
  return { option: undefined, problems: closest ?? [oauth2Problem(service, 'credentials')] };
}

/** Checks credentials against the service's auth schema; problems name `credentials.<field>`. */
export function checkCredentials(service: CatalogService, credentials: unknown): FieldProblem[] {
  const auth = service.definition.auth;
  if (auth.type === 'alternatives') return matchAlternative(service, credentials).problems;
  return checkAgainst(service, auth, credentials, service.authSchema);
}

/**
 * The credentials as stored: with alternatives, `authType` names the option they satisfy, so the
 * connection remembers how it was made. Call after checkCredentials found no problem.
 */
export function credentialsToStore(
  service: CatalogService,
  credentials: Record<string, unknown>,
): Record<string, unknown> {
  if (service.definition.auth.type !== 'alternatives') return credentials;
  const { option } = matchAlternative(service, credentials);
  return option ? { ...credentials, [AUTH_OPTION_FIELD]: option.type } : credentials;
}
