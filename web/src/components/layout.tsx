import type { ReactNode } from 'react';
import { isAdmin, useAuth } from '../lib/auth.tsx';
import { Link, navigate, useLocation } from '../lib/router.tsx';

const NAV = [
  { to: '/', label: 'Dashboard', icon: '◔' },
  { to: '/workflows', label: 'Workflows', icon: '⌘' },
  { to: '/runs', label: 'Runs', icon: '▸' },
  { to: '/templates', label: 'Templates', icon: '❏' },
  { to: '/connections', label: 'Connections', icon: '⇄' },
  { to: '/secrets', label: 'Secrets', icon: '✱' },
];

const ACCOUNT_NAV = [
  { to: '/settings', label: 'Profile', icon: '☺' },
  { to: '/settings/api-keys', label: 'API keys', icon: '⚷' },
];

function isCurrent(to: string, path: string): boolean {
  return to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
}

export function Layout(props: { children: ReactNode }) {
  const { user, signOut } = useAuth();
  const { path } = useLocation();
  const items = [...NAV];
  const link = (item: { to: string; label: string; icon: string }) => (
    <li key={item.to}>
      <Link
        to={item.to}
        className={
          isCurrent(item.to, path) && !(item.to === '/settings' && path !== '/settings')
            ? 'nav-link nav-on'
            : 'nav-link'
        }
        aria-current={isCurrent(item.to, path) ? 'page' : undefined}
      >
        <span className="nav-icon" aria-hidden="true">
          {item.icon}
        </span>
        {item.label}
      </Link>
    </li>
  );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Area
        </Link>
        <ul className="nav-list">{items.map(link)}</ul>
        <p className="nav-section">Account</p>
        <ul className="nav-list">
          {ACCOUNT_NAV.map(link)}
          {isAdmin(user) ? link({ to: '/admin', label: 'Admin', icon: '⚙' }) : null}
        </ul>
        <div className="sidebar-foot">
          <div className="who">
            <span className="avatar" aria-hidden="true">
              {(user?.name || user?.email || '?').slice(0, 1).toUpperCase()}
            </span>
            <span className="who-text">
              <strong>{user?.name || user?.username || user?.email?.split('@')[0]}</strong>
              <small>{user?.email}</small>
            </span>
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={async () => {
              await signOut();
              navigate('/signin');
            }}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
