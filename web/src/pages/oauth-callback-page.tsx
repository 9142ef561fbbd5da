import { useEffect, useState } from 'react';
import { saveSession, sessionFrom } from '../api/client.ts';
import { Link } from '../lib/router.tsx';
import { AuthLayout } from './auth-layout.tsx';

/**
 * Where the external sign-in lands: the tokens arrive in the URL fragment (never sent to a server),
 * are kept like a password sign-in's, and the fragment is wiped from the address bar.
 */
export function OAuthCallbackPage() {
  const [error, setError] = useState<string>();
  useEffect(() => {
    const params = new URLSearchParams(location.hash.slice(1));
    history.replaceState(null, '', location.pathname);
    const accessToken = params.get('accessToken');
    const refreshToken = params.get('refreshToken');
    if (!accessToken || !refreshToken) {
      setError(params.get('message') ?? 'The sign-in did not complete.');
      return;
    }
    saveSession(
      sessionFrom({ accessToken, refreshToken, expiresIn: Number(params.get('expiresIn') ?? 900) }),
    );
    const returnTo = params.get('returnTo');
    // A full load makes the session check run with the new tokens.
    location.replace(returnTo?.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/');
  }, []);
  return (
    <AuthLayout
      title="Signing you in…"
      subtitle="One moment."
      footer={<Link to="/signin">Back to sign in</Link>}
    >
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
    </AuthLayout>
  );
}
