import type { ReactNode } from 'react';

export function AuthLayout(props: {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <div className="auth">
      <main className="auth-card" id="main">
        <div className="brand auth-brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Area
        </div>
        <h1>{props.title}</h1>
        <p className="page-subtitle">{props.subtitle}</p>
        {props.children}
        <p className="auth-footer">{props.footer}</p>
      </main>
      <aside className="auth-aside" aria-hidden="true">
        <h2>Connect your services. Wire a trigger to actions. Never lose a run.</h2>
        <ul>
          <li>Webhooks, schedules and new items start your workflows</li>
          <li>Every run is kept with each step's input and output</li>
          <li>Self-hosted: your credentials stay encrypted on your server</li>
        </ul>
      </aside>
    </div>
  );
}
