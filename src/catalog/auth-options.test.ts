import { describe, expect, it } from 'vitest';
import { authOptionOfCredentials, oauth2OptionOf, requiresAuth, storedAuthType } from './auth-options.ts';
import type { ServiceAuth, ServiceDefinition } from './define.ts';
import { prop } from './props.ts';
import { authSchemaOf } from './registry.ts';
import { validateServices } from './validate-services.ts';

const token: ServiceAuth = {
  type: 'bearer',
  props: { token: prop.secret({ displayName: 'Token', required: true }) },
};
const oauth2: ServiceAuth = {
  type: 'oauth2',
  oauth2: { authorizationUrl: 'https://x.test/a', tokenUrl: 'https://x.test/t', scopes: ['read'] },
};

function service(auth: ServiceDefinition['auth']): ServiceDefinition {
  return {
    key: 'svc',
    name: 'Svc',
    description: 'd',
    icon: 'i',
    category: 'c',
    auth,
    triggers: [],
    actions: [],
  };
}

describe('auth alternatives', () => {
  const both = service({ type: 'alternatives', options: [token, oauth2] });

  it('stores custom, requires auth and finds the OAuth2 option', () => {
    expect(storedAuthType(both)).toBe('custom');
    expect(requiresAuth(both)).toBe(true);
    expect(oauth2OptionOf(both)).toBe(oauth2);
    expect(oauth2OptionOf(service(token))).toBeUndefined();
    expect(storedAuthType(service(token))).toBe('bearer');
  });

  it('tells the option of stored credentials', () => {
    expect(authOptionOfCredentials(both, { authType: 'oauth2', accessToken: 'a' })).toBe(oauth2);
    expect(authOptionOfCredentials(both, { authType: 'bearer', token: 'a' })).toBe(token);
    expect(authOptionOfCredentials(both, { token: 'a' })).toBe(token);
  });

  it('describes each option in a oneOf told apart by authType', () => {
    const schema = authSchemaOf(both) as { oneOf: Record<string, unknown>[]; 'x-discriminator': string };
    expect(schema['x-discriminator']).toBe('authType');
    expect(schema.oneOf).toHaveLength(2);
    expect(schema.oneOf[0]).toMatchObject({ properties: { authType: { const: 'bearer' }, token: {} } });
    expect(schema.oneOf[1]).toMatchObject({
      properties: { authType: { const: 'oauth2' } },
      'x-oauth2': { scopes: ['read'] },
    });
  });

  it('flags unsound alternatives', () => {
    expect(validateServices([both])).toEqual([]);
    expect(validateServices([service({ type: 'alternatives', options: [token] })]).join()).toMatch(
      /at least two/,
    );
    expect(validateServices([service({ type: 'alternatives', options: [token, token] })]).join()).toMatch(
      /one option per auth type/,
    );
    expect(
      validateServices([service({ type: 'alternatives', options: [{ type: 'none' }, oauth2] })]).join(),
    ).toMatch(/cannot be "none"/);
  });
});
