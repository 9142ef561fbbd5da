/**
 * The bearer token in stored credentials: an OAuth2 access token or a pasted token. The connections
 * field names (`access_token`) or camelCase ones; both are read.
 */
export function tokenOf(credentials: unknown): string | undefined {
  if (!credentials || typeof credentials !== 'object') return undefined;
  const record = credentials as Record<string, unknown>;
  for (const key of ['accessToken', 'access_token', 'token']) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}
