import type { OAuth2Settings } from '../../catalog/define.ts';

/**
 * Google's OAuth2 endpoints. `access_type=offline` and `prompt=consent` make Google return a refresh
 * token every time the account is connected, so runs keep working after the hour-long access token.
 */
export function googleOAuth2(scopes: readonly string[]): OAuth2Settings {
  return {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes,
    pkce: true,
    authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  };
}
