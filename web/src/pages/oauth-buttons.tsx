import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** The configured external sign-in provider, if the server has one. */
export function OAuthButtons(props: { next: string }) {
  const [provider, setProvider] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<{ enabled: boolean; name: string | null }>('GET', '/auth/oauth/config', { anonymous: true })
      .then((config) => {
        if (live && config.enabled) setProvider(config.name || 'your identity provider');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!provider) return null;
  return (
    <div className="oauth">
      <div className="divider">
        <span>or</span>
      </div>
      <a
        className="btn btn-secondary btn-block"
        href={`/api/v1/auth/oauth/start?returnTo=${encodeURIComponent(props.next)}`}
      >
        Continue with {provider}
      </a>
    </div>
  );
}
