import { api, type Page } from '../api/client.ts';

/** One preference of the signed-in user, or `fallback` when it was never set. */
export async function getPreference<T>(key: string, fallback: T, signal?: AbortSignal): Promise<T> {
  const page = await api<Page<{ key: string; value: unknown }>>(
    'GET',
    '/me/preferences',
    signal ? { signal } : {},
  );
  const found = page.items.find((p) => p.key === key);
  return found === undefined ? fallback : (found.value as T);
}

export function setPreference(key: string, value: unknown): Promise<unknown> {
  return api('PUT', `/me/preferences/${encodeURIComponent(key)}`, { body: { value } });
}
