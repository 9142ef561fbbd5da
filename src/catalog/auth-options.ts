import type { AuthType, OAuth2Settings, ServiceAuth, ServiceDefinition } from './define.ts';

/**
 * The ways a service can be connected: its single auth, or each of its alternatives. Credentials of a
 * service with alternatives name their option in `authType` (the option's type).
 */

export const AUTH_OPTION_FIELD = 'authType';

export function authOptionsOf(service: ServiceDefinition): readonly ServiceAuth[] {
  return service.auth.type === 'alternatives' ? service.auth.options : [service.auth];
}

export function hasAuthAlternatives(service: ServiceDefinition): boolean {
  return service.auth.type === 'alternatives';
}

/** What services.auth_type stores: the single auth's type, or `custom` for alternatives. */
export function storedAuthType(service: ServiceDefinition): AuthType {
  return service.auth.type === 'alternatives' ? 'custom' : service.auth.type;
}

export function requiresAuth(service: ServiceDefinition): boolean {
  return authOptionsOf(service).some((o) => o.type !== 'none');
}

/** The OAuth2 option, when the service can be connected through the OAuth2 flow. */
export function oauth2OptionOf(
  service: ServiceDefinition,
): (ServiceAuth & { type: 'oauth2'; oauth2: OAuth2Settings }) | undefined {
  return authOptionsOf(service).find(
    (o): o is ServiceAuth & { type: 'oauth2'; oauth2: OAuth2Settings } => o.type === 'oauth2',
  );
}

/**
 * The option stored credentials use: for alternatives, the one their `authType` names, else the
 * first option that is not OAuth2 (credentials pasted before they named it).
 */
export function authOptionOfCredentials(service: ServiceDefinition, credentials: unknown): ServiceAuth {
  const options = authOptionsOf(service);
  if (service.auth.type !== 'alternatives') return options[0]!;
  const named =
    credentials && typeof credentials === 'object'
      ? (credentials as Record<string, unknown>)[AUTH_OPTION_FIELD]
      : undefined;
  return options.find((o) => o.type === named) ?? options.find((o) => o.type !== 'oauth2') ?? options[0]!;
}
