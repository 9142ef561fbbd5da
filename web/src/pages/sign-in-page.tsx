import { type FormEvent, useState } from 'react';
import { Button, Field } from '../components/ui.tsx';
import { useAuth } from '../lib/auth.tsx';
import { generalMessage, problemAt } from '../lib/problems.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useAction } from '../lib/use-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { OAuthButtons } from './oauth-buttons.tsx';

export function SignInPage() {
  const { signIn } = useAuth();
  const { query } = useLocation();
  const next = query.get('next') || '/';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(async () => {
    await signIn(email, password);
    navigate(next.startsWith('/') ? next : '/', { replace: true });
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run();
  };
  const general = generalMessage(action.error, ['email', 'password']);
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to your workflows."
      footer={
        <>
          New here? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <form onSubmit={submit} className="form" noValidate>
        {general ? (
          <div className="notice notice-error" role="alert">
            {action.error?.isMissing ? 'Sign-in is not available on this server yet.' : general}
          </div>
        ) : null}
        <Field label="Email" error={problemAt(action.error, 'email')}>
          {(id, describedBy) => (
            <input
              id={id}
              aria-describedby={describedBy}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={problemAt(action.error, 'password')}>
          {(id, describedBy) => (
            <input
              id={id}
              aria-describedby={describedBy}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" className="btn-block" pending={action.pending}>
          Sign in
        </Button>
      </form>
      <OAuthButtons next={next} />
    </AuthLayout>
  );
}
