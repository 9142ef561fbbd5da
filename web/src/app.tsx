import { type ReactNode, useEffect } from 'react';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/ui.tsx';
import { isAdmin, useAuth } from './lib/auth.tsx';
import { matchPath, navigate, useLocation } from './lib/router.tsx';
import { AdminPage } from './pages/admin-page.tsx';
import { ApiKeysPage } from './pages/api-keys-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { OAuthCallbackPage } from './pages/oauth-callback-page.tsx';
import { ProfilePage } from './pages/profile-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SecretsPage } from './pages/secrets-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { SignUpPage } from './pages/sign-up-page.tsx';
import { TemplatesPage } from './pages/templates-page.tsx';
import { WorkflowEditorPage } from './pages/workflow-editor-page.tsx';
import { WorkflowsPage } from './pages/workflows-page.tsx';

type Params = Record<string, string>;
const ROUTES: { pattern: string; title: string; render: (p: Params) => ReactNode; admin?: boolean }[] = [
  { pattern: '/', title: 'Dashboard', render: () => <DashboardPage /> },
  { pattern: '/workflows', title: 'Workflows', render: () => <WorkflowsPage /> },
  { pattern: '/workflows/:id', title: 'Editor', render: (p) => <WorkflowEditorPage id={p['id']!} /> },
  { pattern: '/runs', title: 'Runs', render: () => <RunsPage /> },
  { pattern: '/runs/:id', title: 'Run', render: (p) => <RunPage id={p['id']!} /> },
  { pattern: '/templates', title: 'Templates', render: () => <TemplatesPage /> },
  { pattern: '/connections', title: 'Connections', render: () => <ConnectionsPage /> },
  { pattern: '/secrets', title: 'Secrets', render: () => <SecretsPage /> },
  { pattern: '/settings', title: 'Profile', render: () => <ProfilePage /> },
  { pattern: '/settings/api-keys', title: 'API keys', render: () => <ApiKeysPage /> },
  { pattern: '/admin', title: 'Admin', render: () => <AdminPage />, admin: true },
];

const PUBLIC = new Set(['/signin', '/signup', '/auth/callback']);

export function App() {
  const { user, checking } = useAuth();
  const { path } = useLocation();

  let page: ReactNode = <NotFoundPage />;
  let title = 'Not found';
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) {
      page = route.admin && !isAdmin(user) ? <NotFoundPage /> : route.render(params);
      title = route.title;
      break;
    }
  }
  if (path === '/signin') title = 'Sign in';
  if (path === '/signup') title = 'Sign up';

  useEffect(() => {
    document.title = `${title} · Area`;
  }, [title]);

  useEffect(() => {
    if (checking) return;
    if (!user && !PUBLIC.has(path))
      navigate(`/signin?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    if (user && PUBLIC.has(path) && path !== '/auth/callback') navigate('/', { replace: true });
  }, [user, checking, path]);

  if (path === '/auth/callback') return <OAuthCallbackPage />;
  if (checking) return <Loading label="Opening Area…" />;
  if (path === '/signin') return <SignInPage />;
  if (path === '/signup') return <SignUpPage />;
  if (!user) return <Loading />;
  return <Layout key={user.id}>{page}</Layout>;
}
