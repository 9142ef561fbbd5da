import { type FormEvent, useState } from 'react';
import { Button, Field } from '../components/ui.tsx';
import { useAuth } from '../lib/auth.tsx';
import { generalMessage, problemAt } from '../lib/problems.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAction } from '../lib/use-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { OAuthButtons } from './oauth-buttons.tsx';

export function SignUpPage() {
  const { signUp } = useAuth();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(async () => {
    await signUp({ email, password, ...(name.trim() ? { name: name.trim() } : {}) });
    navigate('/', { replace: true });
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run();
  };
  const general = generalMessage(action.error, ['email', 'password', 'name']);
  return (
    <AuthLayout
      title="Create your account"
      subtitle="Start automating in a minute. The first account on a server is its admin."
      footer={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      <form onSubmit={submit} className="form" noValidate>
        {general ? (
          <div className="notice notice-error" role="alert">
            {action.error?.isMissing ? 'Sign-up is not available on this server yet.' : general}
          </div>
        ) : null}
        <Field label="Name" error={problemAt(action.error, 'name')}>
          {(id, describedBy) => (
            <input
              id={id}
              aria-describedby={describedBy}
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
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
        <Field
          label="Password"
          hint="At least 10 characters, not your email."
          error={problemAt(action.error, 'password')}
        >
          {(id, describedBy) => (
            <input
              id={id}
              aria-describedby={describedBy}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" className="btn-block" pending={action.pending}>
          Create account
        </Button>
      </form>
      <OAuthButtons next="/" />
    </AuthLayout>
  );
}
