import { prop } from '../../catalog/props.ts';

/** Credentials an HTTP connection holds; applied to each request of a node that uses the connection. */
export interface HttpCredentials {
  type: 'none' | 'bearer' | 'basic' | 'header' | 'query';
  token?: string;
  username?: string;
  password?: string;
  /** Header or query parameter name (header / query types). */
  name?: string;
  value?: string;
}

export const httpAuthProps = {
  type: prop.select({
    displayName: 'Authentication',
    required: true,
    default: 'bearer',
    options: [
      { label: 'None', value: 'none' },
      { label: 'Bearer token', value: 'bearer' },
      { label: 'Basic (user and password)', value: 'basic' },
      { label: 'API key in a header', value: 'header' },
      { label: 'API key in the query string', value: 'query' },
    ],
  }),
  token: prop.secret({ displayName: 'Token' }),
  username: prop.text({ displayName: 'User name' }),
  password: prop.secret({ displayName: 'Password' }),
  name: prop.text({ displayName: 'Header or parameter name', placeholder: 'X-API-Key' }),
  value: prop.secret({ displayName: 'Header or parameter value' }),
};

/** Adds the credentials to the headers or the URL's query. */
export function applyHttpCredentials(
  credentials: HttpCredentials | undefined,
  url: URL,
  headers: Record<string, string>,
): void {
  if (!credentials) return;
  switch (credentials.type) {
    case 'bearer':
      if (credentials.token) headers['authorization'] = `Bearer ${credentials.token}`;
      break;
    case 'basic':
      headers['authorization'] =
        `Basic ${Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64')}`;
      break;
    case 'header':
      if (credentials.name) headers[credentials.name.toLowerCase()] = credentials.value ?? '';
      break;
    case 'query':
      if (credentials.name) url.searchParams.set(credentials.name, credentials.value ?? '');
      break;
    default:
      break;
  }
}
