import type { CatalogService } from '../catalog/registry.ts';
import { createSchemaAjv } from '../catalog/validate-services.ts';
import type { FieldProblem } from '../http/errors.ts';

const ajv = createSchemaAjv();
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** Checks credentials against the service's auth schema; problems name `credentials.<field>`. */
export function checkCredentials(service: CatalogService, credentials: unknown): FieldProblem[] {
  const auth = service.definition.auth;
  if (auth.type === 'none') {
    return credentials === undefined ||
      (typeof credentials === 'object' && credentials !== null && Object.keys(credentials).length === 0)
      ? []
      : [{ path: 'credentials', rule: 'none', message: `${service.definition.name} takes no credentials` }];
  }
  if (auth.type === 'oauth2') {
    return [
      {
        path: 'credentials',
        rule: 'oauth2',
        message: `${service.definition.name} connects through OAuth2: use POST /api/v1/connections/oauth/${service.key}/start`,
      },
    ];
  }
  let validate = compiled.get(service.authSchema);
  if (!validate) {
    validate = ajv.compile(service.authSchema);
    compiled.set(service.authSchema, validate);
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
