import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import {
  api,
  loadSession,
  onSessionChange,
  type Session,
  saveSession,
  sessionFrom,
  type TokenAnswer,
} from '../api/client.ts';
import type { User } from '../api/types.ts';
import { setDisplayTimeZone } from './format.ts';

interface AuthState {
  user: User | null;
  /** True until the stored session has been checked. */
  checking: boolean;
  signIn(email: string, password: string): Promise<void>;
  signUp(input: { email: string; password: string; name?: string }): Promise<void>;
  signOut(): Promise<void>;
  setUser(user: User): void;
}

const AuthContext = createContext<AuthState | null>(null);

interface AuthAnswer extends TokenAnswer {
  user: User;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<User | null>(null);
  const [checking, setChecking] = useState(() => loadSession() !== null);

  const setUser = useCallback((next: User | null) => {
    setUserState(next);
    setDisplayTimeZone(next?.timezone);
  }, []);

  useEffect(() => {
    if (!loadSession()) return;
    api<User>('GET', '/me')
      .then(setUser)
      .catch(() => saveSession(null))
      .finally(() => setChecking(false));
  }, [setUser]);

  useEffect(() => onSessionChange((session: Session | null) => session || setUser(null)), [setUser]);

  const accept = (answer: AuthAnswer) => {
    saveSession(sessionFrom(answer));
    setUser(answer.user);
  };

  const state: AuthState = {
    user,
    checking,
    async signIn(email, password) {
      accept(await api<AuthAnswer>('POST', '/auth/login', { body: { email, password }, anonymous: true }));
    },
    async signUp(input) {
      accept(await api<AuthAnswer>('POST', '/auth/register', { body: input, anonymous: true }));
    },
    async signOut() {
      const session = loadSession();
      if (session) {
        await api('POST', '/auth/logout', { body: { refreshToken: session.refreshToken } }).catch(
          () => undefined,
        );
      }
      saveSession(null);
    },
    setUser,
  };
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

export function isAdmin(user: User | null): boolean {
  return Boolean(user && (user.isAdmin || user.roles?.includes('admin')));
}
