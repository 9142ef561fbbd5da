/**
 * The server's OpenAPI document says which routes exist. The app reads it once and does not call
 * a route the server does not have, so a page of a part that is not there shows its empty state
 * instead of failing requests.
 */

type Spec = { paths?: Record<string, Record<string, unknown>> };

let routes: Promise<Set<string> | null> | null = null;

/** `/api/v1/workflows/{id}` and `/api/v1/workflows/:workflowId` both become `/api/v1/workflows/{}`. */
export function routeShape(path: string): string {
  return path
    .split('?')[0]!
    .replace(/\{[^}]+\}/g, '{}')
    .replace(/\/:[^/]+/g, '/{}');
}

function load(): Promise<Set<string> | null> {
  routes ??= fetch('/api/openapi.json')
    .then(async (response) => {
      if (!response.ok) return null;
      const spec = (await response.json()) as Spec;
      const set = new Set<string>();
      for (const [path, methods] of Object.entries(spec.paths ?? {})) {
        for (const method of Object.keys(methods)) set.add(`${method.toUpperCase()} ${routeShape(path)}`);
      }
      return set;
    })
    .catch(() => null);
  return routes;
}

/** Whether the server has `METHOD /api/v1/...` (a concrete path: ids are matched as parameters). */
export async function hasRoute(method: string, concretePath: string): Promise<boolean> {
  const set = await load();
  if (!set) return true;
  const want = method.toUpperCase();
  const parts = concretePath.split('?')[0]!.split('/');
  for (const entry of set) {
    const [m, shape] = entry.split(' ') as [string, string];
    if (m !== want) continue;
    const have = shape.split('/');
    if (have.length !== parts.length) continue;
    if (have.every((part, i) => part === '{}' || part === parts[i])) return true;
  }
  return false;
}

/** Every route path the server documents (for feature detection such as OAuth providers). */
export async function routePaths(): Promise<string[]> {
  const set = await load();
  return set ? [...set] : [];
}
