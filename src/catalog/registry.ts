import { AUTH_OPTION_FIELD, requiresAuth } from './auth-options.ts';
import type {
  ActionDefinition,
  FlowKind,
  ServiceAuth,
  ServiceDefinition,
  TriggerDefinition,
  TriggerMode,
} from './define.ts';
import type { JsonSchema, Props } from './props.ts';
import { propsSchema } from './props.ts';
import { validateServices } from './validate-services.ts';

export interface CatalogService {
  key: string;
  definition: ServiceDefinition;
  /** JSON Schema of the credential fields (oauth2: the OAuth2 settings under x-oauth2). */
  authSchema: JsonSchema;
  components: readonly CatalogComponent[];
  /** Database id once synced. */
  id: string | undefined;
}

interface ComponentBase {
  /** `service.component`, e.g. `http.request`. */
  ref: string;
  serviceKey: string;
  key: string;
  name: string;
  description: string;
  configSchema: JsonSchema;
  outputSchema: JsonSchema;
  sampleOutput: unknown;
  /** Whether a node of it must name a connection. */
  requiresConnection: boolean;
  /** Database id once synced (workflow_nodes.component_id). */
  id: string | undefined;
}

export type CatalogComponent =
  | (ComponentBase & {
      kind: 'trigger';
      mode: TriggerMode;
      flow: undefined;
      definition: TriggerDefinition<Props, unknown>;
    })
  | (ComponentBase & {
      kind: 'action';
      mode: undefined;
      flow: FlowKind | undefined;
      definition: ActionDefinition<Props, unknown>;
    });

export interface Catalog {
  services(): readonly CatalogService[];
  service(key: string): CatalogService | undefined;
  component(serviceKey: string, componentKey: string): CatalogComponent | undefined;
  /** By full reference `service.component`. */
  componentByRef(ref: string): CatalogComponent | undefined;
  /** By database id (after the sync). */
  componentById(id: string): CatalogComponent | undefined;
  /** Records the database ids written by the sync. */
  setIds(ids: { services: Map<string, string>; components: Map<string, string> }): void;
}

/**
 * JSON Schema of the credential fields (oauth2: the OAuth2 settings under x-oauth2). With alternatives,
 * a `oneOf` of each option's schema, told apart by the `authType` property (const = the option's type).
 */
export function authSchemaOf(service: ServiceDefinition): JsonSchema {
  const auth = service.auth;
  if (auth.type !== 'alternatives') return optionSchema(auth);
  return {
    type: 'object',
    oneOf: auth.options.map((option) => {
      const schema = optionSchema(option);
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      return {
        ...schema,
        title: AUTH_OPTION_TITLES[option.type],
        properties: { [AUTH_OPTION_FIELD]: { const: option.type }, ...properties },
        ...(option.type === 'oauth2' ? { required: [AUTH_OPTION_FIELD] } : {}),
      };
    }),
    'x-discriminator': AUTH_OPTION_FIELD,
  };
}

const AUTH_OPTION_TITLES: Record<ServiceAuth['type'], string> = {
  none: 'No credentials',
  api_key: 'API key',
  basic: 'User name and password',
  bearer: 'Token',
  custom: 'Token',
  oauth2: 'OAuth2',
};

function optionSchema(auth: ServiceAuth): JsonSchema {
  if (auth.type === 'none') return { type: 'object', properties: {} };
  if (auth.type === 'oauth2') {
    return {
      type: 'object',
      properties: {},
      'x-oauth2': {
        authorizationUrl: auth.oauth2.authorizationUrl ?? null,
        tokenUrl: auth.oauth2.tokenUrl ?? null,
        scopes: [...auth.oauth2.scopes],
        pkce: auth.oauth2.pkce ?? true,
        customEndpoints: auth.oauth2.customEndpoints ?? false,
      },
    };
  }
  return propsSchema(auth.props);
}

/** Builds the catalog from service definitions; throws (a bug) when they are invalid. */
export function createCatalog(definitions: readonly ServiceDefinition[]): Catalog {
  const problems = validateServices(definitions);
  if (problems.length > 0) throw new Error(`Invalid integration catalog:\n- ${problems.join('\n- ')}`);

  const services: CatalogService[] = definitions.map((definition) => {
    const requiresAuthByDefault = requiresAuth(definition);
    const components: CatalogComponent[] = [
      ...definition.triggers.map(
        (t): CatalogComponent => ({
          kind: 'trigger',
          mode: t.mode,
          flow: undefined,
          ref: `${definition.key}.${t.key}`,
          serviceKey: definition.key,
          key: t.key,
          name: t.name,
          description: t.description,
          configSchema: propsSchema(t.props),
          outputSchema: t.output,
          sampleOutput: t.sampleOutput,
          requiresConnection: requiresAuthByDefault,
          id: undefined,
          definition: t,
        }),
      ),
      ...definition.actions.map(
        (a): CatalogComponent => ({
          kind: 'action',
          mode: undefined,
          flow: a.flow,
          ref: `${definition.key}.${a.key}`,
          serviceKey: definition.key,
          key: a.key,
          name: a.name,
          description: a.description,
          configSchema: propsSchema(a.props),
          outputSchema: a.output,
          sampleOutput: a.sampleOutput,
          requiresConnection: a.requiresConnection ?? requiresAuthByDefault,
          id: undefined,
          definition: a,
        }),
      ),
    ];
    return {
      key: definition.key,
      definition,
      authSchema: authSchemaOf(definition),
      components,
      id: undefined,
    };
  });

  const byKey = new Map(services.map((s) => [s.key, s]));
  const byRef = new Map(services.flatMap((s) => s.components.map((c) => [c.ref, c] as const)));
  const byId = new Map<string, CatalogComponent>();

  return {
    services: () => services,
    service: (key) => byKey.get(key),
    component: (serviceKey, componentKey) => byRef.get(`${serviceKey}.${componentKey}`),
    componentByRef: (ref) => byRef.get(ref),
    componentById: (id) => byId.get(id),
    setIds(ids) {
      for (const service of services) service.id = ids.services.get(service.key);
      byId.clear();
      for (const component of byRef.values()) {
        component.id = ids.components.get(component.ref);
        if (component.id) byId.set(component.id, component);
      }
    },
  };
}
