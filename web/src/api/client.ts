import { hasRoute } from './openapi.ts';

/**
 * The one way the web app talks to Area: the public REST API under /api/v1, with the access token
 * of the signed-in user, refreshed once on a 401 with the rotating refresh token.
 */

export interface FieldProblem {
  path: string;
  message: string;
  rule?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: FieldProblem[];
  constructor(status: number, code: string, message: string, problems: FieldProblem[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
  /** The server has no such route yet (or the thing does not exist). */
  get isMissing(): boolean {
    return this.status === 404;
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is refreshed before use. */
  expiresAt: number;
}

const STORAGE_KEY = 'area.session';
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export function sessionFrom(answer: TokenAnswer): Session {
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt: Date.now() + Math.max(10, (answer.expiresIn ?? 900) - 30) * 1000,
  };
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (
    body as { error?: { code?: string; message?: string; details?: { problems?: FieldProblem[] } } }
  )?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.details?.problems ?? [],
  );
}

let refreshing: Promise<Session | null> | null = null;

async function refreshSession(session: Session): Promise<Session | null> {
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!response.ok) {
        saveSession(null);
        return null;
      }
      const next = sessionFrom((await response.json()) as TokenAnswer);
      saveSession(next);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Send without the session (sign-in, sign-up). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return `/api/v1${path}${text ? `?${text}` : ''}`;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  if (!(await hasRoute(method, `/api/v1${path}`))) {
    throw new ApiError(404, 'not_found', `No route for ${method} /api/v1${path}`);
  }
  let session = options.anonymous ? null : loadSession();
  if (session && Date.now() > session.expiresAt) session = (await refreshSession(session)) ?? null;
  const send = (current: Session | null) =>
    fetch(urlOf(path, options.query), {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(current ? { authorization: `Bearer ${current.accessToken}` } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  let response = await send(session);
  if (response.status === 401 && session) {
    const next = await refreshSession(session);
    if (next) response = await send(next);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
